"""Drive v3 search queries (`q`), the subset the worker writes: terms joined by `and`.

Supported terms: `appProperties has { key='k' and value='v' }`, `name = '…'`, `name contains '…'`,
`mimeType = '…'`, `trashed = true|false`. Anything else is Drive's 400 "Invalid Value" on `q`,
so a client that relies on more than the sandbox knows finds out in its tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from anken_sandbox.sheets.workbooks import SheetsError, Spreadsheet

STRING = r"'((?:[^'\\]|\\.)*)'"
APP_PROPERTY = re.compile(rf"^appProperties\s+has\s*\{{\s*key\s*=\s*{STRING}\s+and\s+value\s*=\s*{STRING}\s*\}}\s*")
NAME = re.compile(rf"^name\s*(=|contains)\s*{STRING}\s*")
MIME_TYPE = re.compile(rf"^mimeType\s*=\s*{STRING}\s*")
TRASHED = re.compile(r"^trashed\s*=\s*(true|false)\s*")
AND = re.compile(r"^and\s+")
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"

Predicate = Callable[[Spreadsheet], bool]


def _unquote(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw)


@dataclass(frozen=True)
class FileQuery:
    predicates: tuple[Predicate, ...]

    def matches(self, spreadsheet: Spreadsheet) -> bool:
        return all(p(spreadsheet) for p in self.predicates)


def _has_app_property(key: str, value: str) -> Predicate:
    return lambda s: s.app_properties.get(key) == value


def _name_is(name: str, *, exact: bool) -> Predicate:
    """`name = '…'` (exact) or `name contains '…'`."""
    return (lambda s: s.title == name) if exact else (lambda s: name in s.title)


def _mime_type_is(mime: str) -> Predicate:
    return lambda _s: mime == SPREADSHEET_MIME  # every file the sandbox holds is a spreadsheet


def _trashed_is(wanted: bool) -> Predicate:
    return lambda s: s.trashed == wanted


def invalid_query() -> SheetsError:
    return SheetsError(400, "Invalid Value")


def parse_query(q: str | None) -> FileQuery:
    """Every term must parse; a query that does not is refused, never half-applied."""
    text = (q or "").strip()
    predicates: list[Predicate] = []
    while text:
        if predicates:
            joined = AND.match(text)
            if not joined:
                raise invalid_query()
            text = text[joined.end():]
        if m := APP_PROPERTY.match(text):
            predicates.append(_has_app_property(_unquote(m.group(1)), _unquote(m.group(2))))
        elif m := NAME.match(text):
            predicates.append(_name_is(_unquote(m.group(2)), exact=m.group(1) == "="))
        elif m := MIME_TYPE.match(text):
            predicates.append(_mime_type_is(_unquote(m.group(1))))
        elif m := TRASHED.match(text):
            predicates.append(_trashed_is(m.group(1) == "true"))
        else:
            raise invalid_query()
        text = text[m.end():]
    return FileQuery(tuple(predicates))
