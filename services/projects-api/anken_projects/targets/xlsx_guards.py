"""The XLSX reader's guards, applied before any XML of a workbook is parsed.

`inspect_archive` refuses a zip bomb from the archive's directory alone (member count, sizes,
compression ratio), before anything is inflated. `refuse_doctype` reads a part's whole prolog
with expat, in chunks and calling `checkpoint` per chunk, and refuses a DOCTYPE however much
padding comes before it. XlsxError, the error of every unreadable workbook, lives here too:
the guards raise it naming the part, and xlsx_reader naming the part, row or cell.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from typing import IO
from xml.parsers import expat

from anken_projects.targets.import_limits import (
    MAX_ARCHIVE_BYTES,
    MAX_MEMBER_BYTES,
    MAX_RATIO,
    MAX_ZIP_MEMBERS,
    RATIO_EXEMPT_BYTES,
)

# A DOCTYPE can only come before the root element; the prolog is read in chunks of this size
# until the root element starts (expat also stops entity expansion and never loads external entities).
PROLOG_CHUNK = 64 * 1024


class XlsxError(ValueError):
    """The workbook cannot be read safely; the message names the part, row or cell. `code`: the rule for
    clients that word it themselves (unreadable_xlsx, or not_csv_or_xlsx for a zip that is no workbook)."""

    def __init__(self, message: str, code: str = "unreadable_xlsx") -> None:
        super().__init__(message)
        self.code = code


class _RootReached(Exception):
    """The prolog scan met the root element: the part declares no DOCTYPE."""


class _DoctypeFound(Exception):
    """The prolog scan met a DOCTYPE."""


def no_check() -> None:
    """The default checkpoint: nothing stops the read."""
    return None


def refuse_doctype(path: str, source: bytes | IO[bytes], checkpoint: Callable[[], None] = no_check) -> None:
    """Read the part's whole prolog (everything before its root element) with expat, however long:
    a DOCTYPE there is refused. OOXML parts have no DTD, so one that declares it is hostile.

    expat decodes the part as the real parse will (UTF-8, UTF-16, a declared encoding), so no
    encoding or comment padding hides a DOCTYPE from it; it stops at the root's start tag.
    """
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise _DoctypeFound

    def root(*_: object) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        if isinstance(source, bytes):
            parser.Parse(source, True)
        else:
            while chunk := source.read(PROLOG_CHUNK):
                checkpoint()
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _RootReached:
        return
    except _DoctypeFound:
        raise XlsxError(f"part {path!r} declares a DOCTYPE, which a workbook never has") from None
    except expat.ExpatError as exc:
        raise XlsxError(f"part {path!r} is not well-formed XML ({exc})") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise XlsxError(f"part {path!r} cannot be inflated ({exc})") from None
    raise XlsxError(f"part {path!r} has no root element")


def inspect_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb before anything is inflated: too many members, or a member too large."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise XlsxError(f"the XLSX archive has {len(members)} parts; at most {MAX_ZIP_MEMBERS} are accepted")
    total = 0
    for member in members:
        size, packed = member.file_size, max(member.compress_size, 1)
        total += size
        if size > MAX_MEMBER_BYTES:
            raise XlsxError(f"part {member.filename!r} inflates to {size:,} bytes (at most {MAX_MEMBER_BYTES:,})")
        if size > RATIO_EXEMPT_BYTES and size > MAX_RATIO * packed:
            raise XlsxError(
                f"part {member.filename!r} inflates {size // packed}× its compressed size "
                f"(at most {MAX_RATIO}×): refused as a decompression bomb"
            )
    if total > MAX_ARCHIVE_BYTES:
        raise XlsxError(f"the XLSX archive inflates to {total:,} bytes (at most {MAX_ARCHIVE_BYTES:,})")
