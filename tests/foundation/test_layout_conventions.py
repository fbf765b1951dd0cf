"""CONTRIBUTING.md's layout conventions, read from the code: files with the same role have the same name in
every service, repositories are module functions, shared query parameters live in a kit (never imported from
another domain's endpoints), and no product module is named like a test."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    ROOT / "services" / "anken_common" / "anken_common",
    ROOT / "services" / "projects-api" / "anken_projects",
    ROOT / "services" / "reporting-api" / "anken_reporting",
    ROOT / "services" / "integrations-worker" / "anken_worker",
    ROOT / "services" / "sandbox" / "anken_sandbox",
    ROOT / "web" / "anken_web",
]
SERVICES = PACKAGES[1:5]


def _modules(package: Path) -> Iterator[Path]:
    for path in sorted(package.rglob("*.py")):
        if "migrations" not in path.relative_to(package).parts:
            yield path


def _imported_modules(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _domain_of(path: Path, package: Path) -> str | None:
    parts = path.relative_to(package).parts
    return parts[0] if len(parts) > 1 else None


def test_no_domain_endpoints_import_another_domains_endpoints() -> None:
    offenders = []
    for package in SERVICES:
        for path in package.rglob("endpoints.py"):
            domain = _domain_of(path, package)
            for module in _imported_modules(path):
                parts = module.split(".")
                if "endpoints" in parts and len(parts) > 2 and parts[1] != domain:
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, "shared query parameters belong in the service's kit/: " + "; ".join(offenders)


def _holds_state(node: ast.ClassDef) -> bool:
    """A class that is constructed around a session or connection (a value class, a dataclass or a NamedTuple
    of results, may live in a repository)."""
    return node.name.endswith("Repository") or any(
        isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == "__init__" for item in node.body)


def test_repositories_are_module_functions() -> None:
    offenders = []
    for package in SERVICES:
        for path in package.rglob("repository.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            offenders += [f"{path.relative_to(ROOT)}: class {node.name}" for node in tree.body
                          if isinstance(node, ast.ClassDef) and _holds_state(node)]
    assert not offenders, "a repository is module functions taking a connection or session: " + "; ".join(offenders)


def test_event_payload_builders_live_in_payloads_modules() -> None:
    """A module that builds an event payload from anken_common.event_payloads' models is named payloads.py, or
    is the domain's service.py (which builds a payload inline where it records the event)."""
    offenders = []
    for package in SERVICES:
        for path in _modules(package):
            if path.name in {"payloads.py", "service.py"} or path.parent.name in {"demo", "kit"}:
                continue
            builds = any(isinstance(node, ast.FunctionDef) and node.name.endswith("_payload")
                         for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
            if builds and any(m.startswith("anken_common.event_payloads") for m in _imported_modules(path)):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, "name event payload builders payloads.py: " + ", ".join(offenders)


def test_no_product_module_is_named_like_a_test() -> None:
    offenders = [str(path.relative_to(ROOT)) for package in PACKAGES for path in _modules(package)
                 if path.name.startswith("test_") or path.name.endswith("_test.py")]
    assert not offenders, offenders


def test_each_service_keeps_the_process_files_under_their_names() -> None:
    for package in SERVICES[:3]:
        names = {path.name for path in package.iterdir()}
        missing = {"main.py", "cli.py", "settings.py", "db.py", "routers.py"} - names
        assert not missing, f"{package.relative_to(ROOT)} lacks {sorted(missing)}"
