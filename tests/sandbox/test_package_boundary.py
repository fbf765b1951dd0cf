"""The sandbox is its own package (services/sandbox, `anken_sandbox`): the worker never imports it and
its production image never holds it; the sandbox never imports the worker."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SANDBOX = ROOT / "services" / "sandbox"
WORKER = ROOT / "services" / "integrations-worker"


def imported_packages(folder: Path) -> dict[str, set[str]]:
    """Top-level package of every absolute import, per file (relative to the folder)."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        if ".egg-info" in str(path) or "__pycache__" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(folder))] = names
    return found


def test_the_sandbox_imports_no_worker_code() -> None:
    imports = imported_packages(SANDBOX / "anken_sandbox")
    assert len(imports) > 30  # the whole package was read
    offenders = {f: sorted(names & {"anken_worker", "anken_projects", "anken_reporting", "anken_web"})
                 for f, names in imports.items() if names & {"anken_worker", "anken_projects", "anken_reporting", "anken_web"}}
    assert offenders == {}


def test_the_worker_imports_no_sandbox_code_and_does_not_hold_it() -> None:
    imports = imported_packages(WORKER / "anken_worker")
    assert {f for f, names in imports.items() if "anken_sandbox" in names} == set()
    assert not (WORKER / "anken_worker" / "sandbox").exists()
    # The production image installs SERVICE_DIR only: nothing of the sandbox is under the worker's folder.
    assert not any(p.name == "anken_sandbox" for p in WORKER.rglob("*") if p.is_dir())


def test_the_sandbox_has_its_own_project_and_image() -> None:
    project = tomllib.loads((SANDBOX / "pyproject.toml").read_text())["project"]
    assert project["name"] == "anken-sandbox"
    assert project["scripts"]["anken-sandbox"] == "anken_sandbox.cli:main"
    worker_project = tomllib.loads((WORKER / "pyproject.toml").read_text())["project"]
    assert "sandbox" not in str(worker_project.get("scripts", {}))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert compose["sandbox"]["build"]["args"]["SERVICE_DIR"] == "services/sandbox"
    assert compose["sandbox"]["command"][:2] == ["anken-sandbox", "serve"]
    assert compose["sandbox"]["profiles"] == ["sandbox"]  # local use only, never started by default
    assert compose["worker"]["build"]["args"]["SERVICE_DIR"] == "services/integrations-worker"
    all_in_one = (ROOT / "deploy" / "Dockerfile.all").read_text()
    assert "services/sandbox" not in all_in_one
    assert "-e services/sandbox" in (ROOT / "Makefile").read_text()  # `make run` and the tests install it
