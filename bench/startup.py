"""Time `make run` from a fresh clone to every service healthy (first run: venv, installs,
embedded servers, migrations, demo data; second run: reuse), and idle RSS per service.

    python bench/startup.py            # clones HEAD into a temp dir, runs make run twice
    python bench/startup.py --keep     # keep the clone for inspection

Needs ports 8000-8003 and 8010 free (the `make run` defaults).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
HEALTH = {
    "web": "http://127.0.0.1:8000/healthz",
    "projects-api": "http://127.0.0.1:8001/readyz",
    "reporting-api": "http://127.0.0.1:8002/readyz",
    "worker": "http://127.0.0.1:8003/readyz",
    "sandbox": "http://127.0.0.1:8010/healthz",
}
PROCESS_MARKERS = {
    "web": "anken-web", "projects-api": "anken-projects", "reporting-api": "anken-reporting",
    "worker": "anken-worker run", "sandbox": "anken-sandbox serve",
}


def all_healthy() -> bool:
    for url in HEALTH.values():
        try:
            if httpx.get(url, timeout=1).status_code != 200:
                return False
        except httpx.HTTPError:
            return False
    return True


def run_until_healthy(clone: Path, timeout: float) -> tuple[float, subprocess.Popen]:
    start = time.perf_counter()
    log = open(clone / "make-run.log", "ab")  # kept open for the child's lifetime
    proc = subprocess.Popen(["make", "run"], cwd=clone, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"make run exited early ({proc.returncode}); see {clone / 'make-run.log'}")
        if all_healthy():
            return time.perf_counter() - start, proc
        time.sleep(0.25)
    raise SystemExit(f"not healthy after {timeout}s; see {clone / 'make-run.log'}")


def idle_rss_mib() -> dict[str, float]:
    time.sleep(5)  # let start-up work settle
    found: dict[str, float] = {}
    for process in psutil.process_iter(["cmdline", "memory_info"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        for name, marker in PROCESS_MARKERS.items():
            if marker in cmdline and "honcho" not in cmdline:
                found[name] = found.get(name, 0) + process.info["memory_info"].rss / 2**20
    return found


def stop(proc: subprocess.Popen) -> float:
    start = time.perf_counter()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    if all_healthy():
        raise SystemExit("something already answers on the make run ports; stop it first")
    workdir = Path(tempfile.mkdtemp(prefix="anken-startup-"))
    clone = workdir / "anken"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    shared = ROOT.parent / "shared"
    if shared.exists() and not (workdir / "shared").exists():
        os.symlink(shared, workdir / "shared")
    try:
        first, proc = run_until_healthy(clone, args.timeout)
        rss = idle_rss_mib()
        stopped = stop(proc)
        second, proc = run_until_healthy(clone, args.timeout)
        stop(proc)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"first make run to healthy (fresh clone, venv, installs from the local pip cache): {first:.1f} s")
    print(f"second make run to healthy (data reused): {second:.1f} s")
    print(f"Ctrl-C to all stopped: {stopped:.1f} s")
    for name, mib in sorted(rss.items()):
        print(f"idle RSS {name}: {mib:.0f} MiB")


if __name__ == "__main__":
    main()
