"""SANDBOX_STATE_FILE: the sandbox's vendor data kept in a JSON file across restarts (`make run` twice).

Loaded once at start. Written off the request path: a background task saves at most every
`sandbox_state_save_interval_s` when a request changed something, and once more on shutdown;
each write goes to a temporary file that replaces the old one, so a crash never leaves half a file.
A file that cannot be read is set aside as `<file>.corrupt` and the sandbox starts empty."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from anken_common.logging import get_logger
from anken_sandbox.state import SandboxState

log = get_logger("anken.sandbox.state_file")


class StateFile:
    def __init__(self, state: SandboxState, path: Path, interval_s: float) -> None:
        self.state = state
        self.path = path
        self.interval_s = interval_s
        self.saved_revision = state.revision
        # One writer at a time: a periodic save, the shutdown save and a reset's removal never interleave.
        self._lock = asyncio.Lock()

    @classmethod
    def attach(cls, state: SandboxState) -> StateFile | None:
        """The state file the settings name, already loaded into `state`; None when memory only."""
        name = (state.settings.sandbox_state_file or "").strip()
        if not name:
            return None
        state_file = cls(state, Path(name).expanduser(), state.settings.sandbox_state_save_interval_s)
        state_file.load()
        state.state_file = state_file
        return state_file

    @property
    def corrupt_path(self) -> Path:
        return self.path.with_name(self.path.name + ".corrupt")

    def load(self) -> bool:
        """Whether a saved state was restored; an unreadable file is set aside, never fatal."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        except (OSError, UnicodeDecodeError) as exc:
            self._set_aside(exc)
            return False
        try:
            self.state.restore(json.loads(text))
        except Exception as exc:  # any shape of damage (bad JSON, missing keys, wrong types): start empty
            self._set_aside(exc)
            return False
        self.saved_revision = self.state.revision
        log.info("sandbox_state_loaded", path=str(self.path))
        return True

    def _set_aside(self, error: BaseException) -> None:
        try:
            os.replace(self.path, self.corrupt_path)
            kept = f"kept as {self.corrupt_path}"
        except OSError as exc:
            kept = f"could not be kept aside ({exc})"
        log.warning("sandbox_state_file_unreadable: starting empty", path=str(self.path),
                    error=f"{type(error).__name__}: {error}", file=kept)

    def _write(self, snapshot: dict[str, Any]) -> None:
        text = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise

    async def save_if_changed(self) -> bool:
        async with self._lock:
            revision = self.state.revision
            if revision == self.saved_revision:
                return False
            # Taken on the event loop, between requests, so it is consistent; serialised and written in a thread.
            snapshot = self.state.snapshot()
            try:
                await asyncio.to_thread(self._write, snapshot)
            except (OSError, TypeError, ValueError) as exc:
                log.warning("sandbox_state_not_saved: retrying on the next change", path=str(self.path), error=str(exc))
                return False
            self.saved_revision = revision
            return True

    async def clear(self) -> None:
        """POST /_sandbox/reset: the file goes with the state, and nothing is saved until something changes."""
        async with self._lock:
            with suppress(FileNotFoundError):
                self.path.unlink()
            self.saved_revision = self.state.revision

    async def _save_periodically(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), self.interval_s)
            try:
                await self.save_if_changed()
            except Exception:  # a bug in a store's to_dict must not end the saving for the process
                log.exception("sandbox_state_save_failed", path=str(self.path))

    @asynccontextmanager
    async def lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        stopping = asyncio.Event()
        saver = asyncio.create_task(self._save_periodically(stopping), name="sandbox-state-file")
        try:
            yield
        finally:
            # Not cancelled: a write in progress finishes, then the loop makes the last save and ends.
            stopping.set()
            await saver
