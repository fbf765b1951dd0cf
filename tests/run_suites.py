"""Run every test folder in its own pytest process and print one combined closing line.

Each folder gets its own database, Redis namespace and service processes (the session
fixtures in tests/conftest.py), so suites that count what a shared server received, or
whose consumers read one events stream, cannot see each other's traffic; and the browser
suite's event loop (Playwright's sync API) never shares a process with async tests.

    python tests/run_suites.py [folder …] [-- extra pytest args]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Fast, foundational suites first so a broken base fails early; the browser suite last.
FIRST = ["foundation"]
LAST = ["e2e"]


def suites(selected: list[str]) -> list[Path]:
    if selected:
        return [TESTS / name.removeprefix("tests/").strip("/") for name in selected]
    found = sorted(p.name for p in TESTS.iterdir() if p.is_dir() and any(p.glob("test_*.py")))
    ordered = [n for n in FIRST if n in found] + [n for n in found if n not in FIRST + LAST]
    ordered += [n for n in LAST if n in found]
    return [TESTS / n for n in ordered]


def counts(junit: Path) -> dict[str, int]:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not junit.exists():
        return totals
    root = ET.parse(junit).getroot()
    for suite in root.iter("testsuite"):
        for key in totals:
            totals[key] += int(suite.get(key, 0))
    return totals


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, extra = argv[:split], argv[split + 1 :]
    passed = failed = skipped = 0
    broken: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for folder in suites(argv):
            junit = Path(tmp) / f"{folder.name}.xml"
            print(f"\n=== tests/{folder.name} ===", flush=True)
            started = time.monotonic()
            code = subprocess.call([sys.executable, "-m", "pytest", str(folder), f"--junitxml={junit}", *extra])
            c = counts(junit)
            bad = c["failures"] + c["errors"]
            passed += c["tests"] - bad - c["skipped"]
            failed += bad
            skipped += c["skipped"]
            if code not in (0, 5) or bad:
                failed += 0 if bad else 1  # a crash with no junit counts still fails the run
                broken.append(folder.name)
            print(f"--- tests/{folder.name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
    if broken:
        print("\nfailing suites: " + ", ".join(broken))
    print(f"\n{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if broken or passed == 0 else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
