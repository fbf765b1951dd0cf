"""How much an approach-list import may hold and take: rows, bytes, columns, wall time, and the
zip archive of an XLSX. An uploaded file is hostile until it has been read within these bounds."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

# An XLSX is a zip archive. Members are inspected before any XML is parsed: too many members,
# a member inflating past an absolute size, or past RATIO × its compressed size is a bomb.
MAX_ZIP_MEMBERS = 500
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_BYTES = 300 * 1024 * 1024
MAX_RATIO = 100
# Members this small cannot hurt whatever their ratio (a short, repetitive XML part compresses well).
RATIO_EXEMPT_BYTES = 1024 * 1024
# workbook.xml, its relationships and styles: read whole, so bounded separately.
MAX_SMALL_PART_BYTES = 10 * 1024 * 1024
# The column mapping sent with an upload (a flat JSON object).
MAX_MAPPING_CHARS = 10_000
MAX_MAPPING_ENTRIES = 50


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int = 50_000
    max_bytes: int = 20 * 1024 * 1024
    max_columns: int = 200
    wall_time_s: float = 300.0
    # An XLSX's shared strings are held in memory while its sheet is read, so they are bounded:
    # the part's inflated bytes, its entries (never more than the cells an import may hold) and
    # the characters of all entries.
    max_shared_strings: int = 1_000_000
    max_shared_strings_bytes: int = 32 * 1024 * 1024
    max_shared_string_chars: int = 16_000_000

    @property
    def shared_strings_cap(self) -> int:
        """Entries a shared strings part may hold: the setting, and never more cells than an import reads."""
        return min(self.max_shared_strings, (self.max_rows + 1) * self.max_columns)


class ImportStopped(Exception):
    """The job ended before finishing: cancelled by a user, or past its wall time."""

    def __init__(self, status: str, reason: str, code: str = "cancelled", **params: float) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.code = code
        self.params = params


@dataclass
class JobControl:
    """Shared between the job and its parsing thread: a cancel flag and a deadline, checked per row
    (and per shared string and per chunk of an XLSX prolog), and what the thread has learnt of the file.

    The wall time counts from the upload, queued time included, so a job never outlives it.
    """

    wall_time_s: float
    started: float = field(default_factory=time.monotonic)
    cancelled: threading.Event = field(default_factory=threading.Event)
    cancel_reason: str = "the import was cancelled"
    rows_read: int = 0
    rows_total: int | None = None
    encoding: str | None = None

    def cancel(self, reason: str | None = None) -> None:
        if reason:
            self.cancel_reason = reason
        self.cancelled.set()

    def checkpoint(self) -> None:
        if self.cancelled.is_set():
            raise ImportStopped("cancelled", self.cancel_reason)
        if time.monotonic() - self.started > self.wall_time_s:
            raise ImportStopped(
                "failed", f"the import took longer than its limit of {self.wall_time_s:g} s and was stopped",
                "timed_out", seconds=self.wall_time_s,
            )
