"""Issue 14, browser tests are never skipped silently: tests/run_suites.py fails a run in which a
test was skipped unless the skip was asked for (`make test BROWSER=skip`, browser tests only), and
stops with one line saying how to get a browser when the browser suite has none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parents[1] / "run_suites.py"
SKIP_REASON = "browser tests skipped on request (BROWSER=skip)"


def fake_suite(root: Path, name: str, body: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "test_fake.py").write_text(body)
    return folder


def run(*folders: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("BROWSER", "ANKEN_CHROMIUM")}
    return subprocess.run([sys.executable, str(RUNNER), *map(str, folders), "--", "-q", "-p", "no:cacheprovider"],
                          env={**environment, **env}, capture_output=True, text=True, timeout=120)


PASS_AND_SKIP = f"""
import pytest

def test_passes():
    pass

def test_is_skipped():
    pytest.skip("no server here")

@pytest.mark.skip(reason={SKIP_REASON!r})
def test_skipped_like_a_browser_test():
    pass
"""


def test_a_skipped_test_fails_the_run_and_is_named(tmp_path: Path):
    result = run(fake_suite(tmp_path, "fake", PASS_AND_SKIP))
    assert result.returncode == 1, result.stdout
    lines = result.stdout.strip().splitlines()
    assert "2 skipped without being asked" in result.stdout
    assert any("test_is_skipped: " in line and "no server here" in line for line in lines)
    # The browser's skip reason alone does not excuse a skip nobody asked for.
    assert lines[-1] == "1 passed, 2 failed, 2 skipped", lines[-1]


def test_browser_skip_on_request_passes_and_says_so(tmp_path: Path):
    suite = fake_suite(tmp_path, "fake", PASS_AND_SKIP.replace('pytest.skip("no server here")', "pass"))
    result = run(suite, BROWSER="skip")
    assert result.returncode == 0, result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last == "2 passed, 0 failed, 0 skipped; 1 browser tests skipped on request", last


def test_other_skips_still_fail_under_browser_skip(tmp_path: Path):
    result = run(fake_suite(tmp_path, "fake", PASS_AND_SKIP), BROWSER="skip")
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1].endswith("1 skipped; 1 browser tests skipped on request")


def test_a_failure_still_fails(tmp_path: Path):
    result = run(fake_suite(tmp_path, "fake", "def test_fails():\n    assert False\n"))
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] == "0 passed, 1 failed, 0 skipped"


def test_without_a_browser_the_run_stops_with_one_line_saying_how_to_get_one(tmp_path: Path):
    e2e = fake_suite(tmp_path, "e2e", "def test_browser():\n    pass\n")
    result = run(e2e, ANKEN_CHROMIUM=str(tmp_path / "no-such-chromium"))
    assert result.returncode != 0
    output = result.stdout.strip().splitlines()
    assert len(output) == 1, output
    assert "apt-get install chromium" in output[0] and "playwright install chromium" in output[0]
    assert "BROWSER=skip" in output[0]
    # With the skip asked for, no browser is looked for.
    assert run(e2e, ANKEN_CHROMIUM=str(tmp_path / "no-such-chromium"), BROWSER="skip").returncode == 0
