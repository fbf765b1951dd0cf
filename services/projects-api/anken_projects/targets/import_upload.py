"""Copying an upload into the target import's own spool, within the byte cap (413 above).

The request copies the file and looks only at its first bytes (CSV or XLSX); nothing of it is
parsed here. The copy is a CopiedUpload, which the import's job owns and closes (the job may
outlive the request).
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from typing import IO

from anken_common.problems import ProblemError
from anken_projects.targets import import_jobs
from anken_projects.targets.import_limits import ImportLimits
from anken_projects.targets.import_readers import SNIFF_BYTES, is_xlsx

SPOOL_IN_MEMORY = 2 * 1024 * 1024
COPY_CHUNK = 1024 * 1024


@dataclass
class CopiedUpload:
    """An upload copied into the import's own spool (the job may outlive the request), unparsed."""

    spool: IO[bytes]
    filename: str | None
    mapping: dict[str, str] | None
    limits: ImportLimits
    kind: str

    def close(self) -> None:
        self.spool.close()


class FileTooLarge(ProblemError):
    """413: the upload is past the import's byte cap (as declared by the request, or as copied)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, "Content Too Large", f"the file is larger than {limit:,} bytes",
                         type_="https://anken.jp/problems/file-too-large",
                         errors=[import_jobs.file_error(f"must be at most {limit:,} bytes", "file_too_large",
                                                        {"max_bytes": limit})])


def _copy_upload(upload: IO[bytes], filename: str | None, limits: ImportLimits,
                 mapping: dict[str, str] | None) -> CopiedUpload:
    """Copy the upload within the byte cap; only its first bytes are looked at (CSV or XLSX)."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # closed by CopiedUpload
    try:
        upload.seek(0)
        copied = 0
        while chunk := upload.read(COPY_CHUNK):
            copied += len(chunk)
            if copied > limits.max_bytes:
                raise FileTooLarge(limits.max_bytes)
            spool.write(chunk)
        spool.seek(0)
        kind = "xlsx" if is_xlsx(spool.read(SNIFF_BYTES), filename) else "csv"
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return CopiedUpload(spool, filename, mapping, limits, kind)


async def copy_upload(upload: IO[bytes], filename: str | None, limits: ImportLimits,
                      mapping: dict[str, str] | None) -> CopiedUpload:
    """File copying only (no parsing), so the default executor is fine: it is short and bounded."""
    return await asyncio.to_thread(_copy_upload, upload, filename, limits, mapping)
