"""Duplicate detection: by corporate number, else normalised phone, else normalised name.

A weaker key only decides when the stronger keys do not disagree: two rows with the same
phone but different corporate numbers are two companies (a shared switchboard), and two
rows with the same name but different phones are two companies (homonyms).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DuplicateReason(StrEnum):
    corporate_number = "corporate_number"
    phone = "phone"
    name = "name"


_STRENGTH = {reason: rank for rank, reason in enumerate(DuplicateReason)}


@dataclass(frozen=True)
class Identity:
    corporate_number: str | None
    phone: str | None
    name_key: str


def _conflict(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def duplicate_reason(new: Identity, existing: Identity) -> DuplicateReason | None:
    """Why `new` is the same company as `existing`, or None when it is not."""
    if new.corporate_number and new.corporate_number == existing.corporate_number:
        return DuplicateReason.corporate_number
    if _conflict(new.corporate_number, existing.corporate_number):
        return None
    if new.phone and new.phone == existing.phone:
        return DuplicateReason.phone
    if _conflict(new.phone, existing.phone):
        return None
    if new.name_key and new.name_key == existing.name_key:
        return DuplicateReason.name
    return None


class SeenCompanies:
    """The companies accepted so far, indexed by each key, to test a new row against them."""

    def __init__(self) -> None:
        self._by_cn: dict[str, tuple[Identity, object]] = {}
        self._by_phone: dict[str, list[tuple[Identity, object]]] = {}
        self._by_name: dict[str, list[tuple[Identity, object]]] = {}

    def add(self, identity: Identity, ref: object) -> None:
        entry = (identity, ref)
        if identity.corporate_number:
            self._by_cn.setdefault(identity.corporate_number, entry)
        if identity.phone:
            self._by_phone.setdefault(identity.phone, []).append(entry)
        if identity.name_key:
            self._by_name.setdefault(identity.name_key, []).append(entry)

    def match(self, identity: Identity) -> tuple[DuplicateReason, object] | None:
        """The first known company `identity` duplicates, with the reason and its ref."""
        candidates: list[tuple[Identity, object]] = []
        if identity.corporate_number and identity.corporate_number in self._by_cn:
            candidates.append(self._by_cn[identity.corporate_number])
        if identity.phone:
            candidates.extend(self._by_phone.get(identity.phone, ()))
        if identity.name_key:
            candidates.extend(self._by_name.get(identity.name_key, ()))
        best: tuple[DuplicateReason, object] | None = None
        for known, ref in candidates:
            reason = duplicate_reason(identity, known)
            if reason and (best is None or _STRENGTH[reason] < _STRENGTH[best[0]]):
                best = (reason, ref)
        return best
