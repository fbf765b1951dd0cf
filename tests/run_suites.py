"""Run every test folder in its own pytest process and print one combined closing line.

Each folder gets its own database, Redis namespace and service processes (the session
fixtures in tests/conftest.py), so suites that count what a shared server received, or
whose consumers read one events stream, cannot see each other's traffic; and the browser
suite's event loop (Playwright's sync API) never shares a process with async tests.

A skipped test fails the run: a skip hides a test that did not run. The one exception is
asked for explicitly, `BROWSER=skip` (`make test BROWSER=skip`), which skips the browser tests
and says so in the closing line. Otherwise, when the browser suite is selected and no browser
is present, one is installed first (tests/ensure_browser.py), or the run stops saying how to
get one.

    python tests/run_suites.py [folder …] [-- extra pytest args]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
from ensure_browser import NoBrowser, ensure_browser  # noqa: E402

# Fast, foundational suites first so a broken base fails early; the browser suite last.
FIRST = ["foundation"]
LAST = ["e2e"]
BROWSER_SUITE = "e2e"
# The skip reason tests/e2e/conftest.py gives under BROWSER=skip.
SKIPPED_ON_REQUEST = "browser tests skipped on request"


def suites(selected: list[str]) -> list[Path]:
    if selected:
        return [TESTS / name.removeprefix("tests/").strip("/") if not name.startswith("/") else Path(name)
                for name in selected]
    found = sorted(p.name for p in TESTS.iterdir() if p.is_dir() and any(p.glob("test_*.py")))
    ordered = [n for n in FIRST if n in found] + [n for n in found if n not in FIRST + LAST]
    ordered += [n for n in LAST if n in found]
    return [TESTS / n for n in ordered]


@dataclass
class Counts:
    tests: int = 0
    bad: int = 0
    # (test id, reason) of every skipped test
    skips: list[tuple[str, str]] = field(default_factory=list)


def counts(junit: Path) -> Counts:
    found = Counts()
    if not junit.exists():
        return found
    for case in ET.parse(junit).getroot().iter("testcase"):
        found.tests += 1
        if case.find("failure") is not None or case.find("error") is not None:
            found.bad += 1
        skipped = case.find("skipped")
        if skipped is not None:
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            found.skips.append((name, skipped.get("message", "")))
    return found


def browser_skip_requested() -> bool:
    return os.environ.get("BROWSER", "").strip().lower() == "skip"


def requested(reason: str) -> bool:
    return browser_skip_requested() and SKIPPED_ON_REQUEST in reason


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, extra = argv[:split], argv[split + 1 :]
    folders = suites(argv)
    if any(f.name == BROWSER_SUITE for f in folders) and not browser_skip_requested():
        try:
            os.environ["ANKEN_CHROMIUM"] = ensure_browser()
        except NoBrowser as exc:
            print(str(exc), flush=True)
            return 2
    passed = failed = 0
    unrequested: list[tuple[str, str]] = []
    on_request = 0
    broken: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for folder in folders:
            junit = Path(tmp) / f"{folder.name}.xml"
            print(f"\n=== tests/{folder.name} ===", flush=True)
            started = time.monotonic()
            code = subprocess.call([sys.executable, "-m", "pytest", str(folder), f"--junitxml={junit}", *extra])
            c = counts(junit)
            mine = [skip for skip in c.skips if not requested(skip[1])]
            unrequested += mine
            on_request += len(c.skips) - len(mine)
            passed += c.tests - c.bad - len(c.skips)
            failed += c.bad
            if code not in (0, 5) or c.bad or mine:
                failed += 0 if c.bad or mine else 1  # a crash with no junit counts still fails the run
                broken.append(folder.name)
            print(f"--- tests/{folder.name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
    if unrequested:
        print(f"\n{len(unrequested)} skipped without being asked (a skipped test fails the run; "
              "only `make test BROWSER=skip` may skip, and only the browser tests):")
        for name, reason in unrequested[:30]:
            print(f"  {name}: {reason}")
    if broken:
        print("\nfailing suites: " + ", ".join(broken))
    summary = f"{passed} passed, {failed + len(unrequested)} failed, {len(unrequested)} skipped"
    if on_request:
        summary += f"; {on_request} {SKIPPED_ON_REQUEST}"
    print(f"\n{summary}")
    return 1 if broken or (passed == 0 and not on_request) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
