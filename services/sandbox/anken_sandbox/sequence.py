"""An id counter whose next value can be saved and restored (itertools.count cannot be read back)."""

from __future__ import annotations


class Sequence:
    def __init__(self, start: int) -> None:
        self.next_value = start

    def __iter__(self) -> Sequence:
        return self

    def __next__(self) -> int:
        value = self.next_value
        self.next_value += 1
        return value
