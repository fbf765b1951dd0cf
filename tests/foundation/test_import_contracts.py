"""The import contracts of pyproject.toml ([tool.importlinter]) and the type checker ([tool.mypy]) pass on
the repository, and the contracts catch what they claim to:
a cycle between the worker's packages, request-time code reaching past `jobs.enqueue`, a service
importing another. The contracts are run on scratch copies of the worker with one import added."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "services" / "integrations-worker" / "anken_worker"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contracts() -> list[dict[str, Any]]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def _lint(config: Path, cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(LINT_IMPORTS.parent), "HOME": str(cwd)}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([str(LINT_IMPORTS), str(config), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_repository_keeps_every_import_contract() -> None:
    result = _lint(ROOT / "pyproject.toml", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout


def _worker_copy(tmp_path: Path) -> Path:
    """A copy of the worker package in `tmp_path`, and a config holding the worker's own contracts."""
    shutil.copytree(WORKER, tmp_path / "anken_worker", ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    (tmp_path / "anken_worker" / "migrations").mkdir()
    (tmp_path / "anken_worker" / "migrations" / "__init__.py").write_text("")
    worker_contracts = [c for c in _contracts() if c["type"] in ("acyclic_siblings", "layers")
                        or str(c.get("source_modules", [""])[0]).startswith("anken_worker.")]
    assert len(worker_contracts) == 3, worker_contracts
    lines = ["[tool.importlinter]", 'root_packages = ["anken_worker"]', ""]
    for contract in worker_contracts:
        lines.append("[[tool.importlinter.contracts]]")
        lines += [f"{key} = {_toml(value)}" for key, value in contract.items()]
        lines.append("")
    (tmp_path / "contracts.toml").write_text("\n".join(lines), encoding="utf-8")
    return tmp_path / "anken_worker"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _add_import(module: Path, line: str) -> None:
    text = module.read_text(encoding="utf-8")
    anchor = "from __future__ import annotations\n"
    assert anchor in text, module
    module.write_text(text.replace(anchor, anchor + "\n" + line + "\n", 1), encoding="utf-8")


@pytest.fixture()
def worker_copy(tmp_path: Path) -> Path:
    copy = _worker_copy(tmp_path)
    kept = _lint(tmp_path / "contracts.toml", tmp_path, pythonpath=tmp_path)
    # The unchanged copy keeps every contract: what breaks below is the one added import.
    assert kept.returncode == 0, kept.stdout + kept.stderr
    return copy


def test_an_import_cycle_between_worker_packages_breaks_the_build(worker_copy: Path) -> None:
    # deliveries is below events; an import back up closes a cycle events -> deliveries -> events.
    _add_import(worker_copy / "deliveries" / "models.py", "import anken_worker.events.planner  # noqa: F401")
    result = _lint(worker_copy.parent / "contracts.toml", worker_copy.parent, pythonpath=worker_copy.parent)
    assert result.returncode != 0
    out = " ".join(result.stdout.split())
    assert "No import cycle between the worker's packages" in out and "BROKEN" in out
    assert "anken_worker.deliveries" in out and "anken_worker.events" in out


def test_a_cycle_between_modules_of_one_package_breaks_the_build(worker_copy: Path) -> None:
    # Two modules of the delivery machinery importing each other (ordering runs executor's attempts).
    _add_import(worker_copy / "deliveries" / "executor.py", "import anken_worker.deliveries.ordering  # noqa: F401")
    result = _lint(worker_copy.parent / "contracts.toml", worker_copy.parent, pythonpath=worker_copy.parent)
    assert result.returncode != 0
    out = " ".join(result.stdout.split())
    assert "anken_worker.deliveries" in out and ".ordering -> .executor" in out


def test_request_time_code_may_not_reach_the_queue_internals(worker_copy: Path) -> None:
    _add_import(worker_copy / "delivery_log" / "endpoints.py",
                "from anken_worker.deliveries.queue import enqueue_targets  # noqa: F401")
    result = _lint(worker_copy.parent / "contracts.toml", worker_copy.parent, pythonpath=worker_copy.parent)
    assert result.returncode != 0
    out = " ".join(result.stdout.split())
    assert "through jobs.enqueue only BROKEN" in out
    assert "anken_worker.delivery_log.endpoints -> anken_worker.deliveries.queue" in out


def test_a_service_importing_another_breaks_the_build(tmp_path: Path) -> None:
    contract = next(c for c in _contracts() if c["type"] == "independence")
    assert set(contract["modules"]) == {"anken_projects", "anken_reporting", "anken_worker", "anken_web",
                                        "anken_sandbox"}
    for name, body in (("anken_projects", "import anken_reporting.settings  # noqa: F401\n"),
                       ("anken_reporting", "")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(body)
        (tmp_path / name / "settings.py").write_text("")
    (tmp_path / "contracts.toml").write_text(
        '[tool.importlinter]\nroot_packages = ["anken_projects", "anken_reporting"]\n\n'
        "[[tool.importlinter.contracts]]\n"
        f"name = {_toml(contract['name'])}\ntype = \"independence\"\n"
        'modules = ["anken_projects", "anken_reporting"]\n', encoding="utf-8")
    result = _lint(tmp_path / "contracts.toml", tmp_path, pythonpath=tmp_path)
    assert result.returncode != 0
    assert "anken_projects -> anken_reporting.settings" in " ".join(result.stdout.split())


MYPY = Path(sys.executable).with_name("mypy")


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MYPY), "--config-file", str(ROOT / "pyproject.toml"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_the_type_checker_passes_on_the_repository() -> None:
    result = _mypy()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout.startswith("Success: no issues found")


def test_the_type_checker_is_strict_for_new_code(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def untyped(value):\n    return value\n\n\n"
        "def typed(count: int) -> str:\n    return count\n", encoding="utf-8")
    result = _mypy(str(probe))
    assert result.returncode == 1, result.stdout
    assert "[no-untyped-def]" in result.stdout
    assert 'Incompatible return value type (got "int", expected "str")' in result.stdout


def test_only_migrations_are_type_checked_less_strictly() -> None:
    """Issue #16: anken_common and every service's domain code are strict. An override may loosen the
    migrations, or name third-party packages that ship no types; it never loosens a product module."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        mypy = tomllib.load(f)["tool"]["mypy"]
    assert mypy["strict"] is True
    for override in mypy.get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        settings = {key for key in override if key != "module"}
        if settings == {"ignore_missing_imports"}:
            assert not [m for m in modules if m.startswith("anken_") or m.startswith("*")], override
        else:
            assert modules == ["*.migrations.*"], override
            assert "ignore_errors" not in settings, override
