"""Find the Chromium the browser tests drive, installing one when none is present.

Order: $ANKEN_CHROMIUM, Debian's chromium (/usr/bin/chromium or on PATH), Playwright's own
build. When none is present: as root with apt, `apt-get install chromium fonts-noto-cjk`
(Japanese text needs the fonts); otherwise `python -m playwright install chromium`. When neither
works, one line says how to get a browser and the exit status is non-zero.

    python tests/ensure_browser.py      # prints the browser's path
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DEBIAN = "/usr/bin/chromium"
HOW_TO_GET_ONE = (
    "no browser for the browser tests: install one with `sudo apt-get install chromium fonts-noto-cjk` "
    f"or `{sys.executable} -m playwright install chromium`, or run `make test BROWSER=skip` to skip them"
)


class NoBrowser(RuntimeError):
    """No browser is installed and none could be installed here (the message says how to get one)."""


def playwright_chromium() -> str | None:
    """Playwright's downloaded Chromium, when `playwright install chromium` has run."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # no driver, no browser: nothing to use
        return None
    return path if path and Path(path).exists() else None


def find_browser() -> str | None:
    configured = os.environ.get("ANKEN_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in (DEBIAN, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return playwright_chromium()


def _run(command: list[str], env: dict[str, str] | None = None) -> bool:
    print("installing a browser for the browser tests: " + " ".join(command), flush=True)
    try:
        return subprocess.run(command, env=env, stdout=subprocess.DEVNULL, timeout=900).returncode == 0
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"  failed: {exc}", flush=True)
        return False


def install_browser() -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if _run(["apt-get", "update", "-qq"], env) and _run(
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"], env
        ):
            return
    _run([sys.executable, "-m", "playwright", "install", "chromium"])


def ensure_browser() -> str:
    """The browser's path; installs one first if needed. Raises NoBrowser with HOW_TO_GET_ONE."""
    found = find_browser()
    if found:
        return found
    if os.environ.get("ANKEN_CHROMIUM"):
        raise NoBrowser(f"ANKEN_CHROMIUM={os.environ['ANKEN_CHROMIUM']} does not exist; " + HOW_TO_GET_ONE)
    install_browser()
    found = find_browser()
    if not found:
        raise NoBrowser(HOW_TO_GET_ONE)
    return found


def main() -> int:
    try:
        print(ensure_browser())
    except NoBrowser as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
