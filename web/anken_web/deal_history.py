"""A deal's history (projects-api `GET /v1/deals/{id}/history`) as sentences in the user's language:
「山田 太郎 が ステージを 初回商談 → 提案 に変更」. Who acted and what an id stands for come from the
API's `actor_name` and `old_label` / `new_label`; amounts, dates and percentages are formatted, codes
(forecast category, status) go through the vocabulary, and no id ever reaches the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from anken_web.formatting import Formatter
from anken_web.i18n.extraction import N_
from anken_web.vocabulary import field_label_of, label_of

Gettext = Callable[..., str]

# Who acted, when the API names no one: the actor's kind → words.
UNNAMED_ACTORS = {
    "system": N_("Anken (automatic)"),
    "service": N_("Anken (automatic)"),
    "api_key": N_("A partner API key"),
    "user": N_("A user no longer registered"),
}
# Fields whose values are ids: the API sends their names as labels.
NAMED_FIELDS = ("stage_id", "owner_id", "pipeline_id")
LIST_SEPARATOR = N_(", ")


@dataclass(frozen=True)
class HistoryLine:
    """One moment of the history: when, and what happened as a sentence."""

    changed_at: str
    sentence: str


def _value(field: str, value: Any, label: str | None, _: Gettext, fmt: Formatter) -> str:
    if field in NAMED_FIELDS:
        return label or _("(no longer registered)")
    if value is None:
        return "—"
    if field == "amount":
        return fmt.yen(value)
    if field == "probability":
        return f"{fmt.num(value)}%"
    if field == "expected_close_date":
        return fmt.date(value)
    # A status or a forecast category: its label (vocabulary.py, the one home of those words).
    return label_of(value, _)


def _actor(change: dict[str, Any], _: Gettext) -> str:
    return change.get("actor_name") or _(UNNAMED_ACTORS.get(str(change.get("actor_type")), UNNAMED_ACTORS["system"]))


def _change(change: dict[str, Any], actor: str, _: Gettext, fmt: Formatter) -> str:
    field = str(change.get("field"))
    label = field_label_of(field, _)
    old = _value(field, change.get("old_value"), change.get("old_label"), _, fmt)
    new = _value(field, change.get("new_value"), change.get("new_label"), _, fmt)
    if change.get("old_value") is None:
        return _("%(actor)s set %(field)s to %(new)s", actor=actor, field=label, new=new)
    if change.get("new_value") is None:
        return _("%(actor)s cleared %(field)s (it was %(old)s)", actor=actor, field=label, old=old)
    return _("%(actor)s changed %(field)s from %(old)s to %(new)s", actor=actor, field=label, old=old, new=new)


def _creation(changes: list[dict[str, Any]], actor: str, _: Gettext, fmt: Formatter) -> str:
    # The list separator is a message of its own: "、" in Japanese, ", " in English.
    details = _(LIST_SEPARATOR).join(
        f'{field_label_of(str(c.get("field")), _)} {_value(str(c.get("field")), c.get("new_value"), c.get("new_label"), _, fmt)}'
        for c in changes
    )
    return _("%(actor)s created the deal: %(details)s", actor=actor, details=details)


def history_lines(history: Iterable[dict[str, Any]], _: Gettext, fmt: Formatter) -> list[HistoryLine]:
    """The history, oldest first, one line per change; the fields set when the deal was created (the
    first moment, every value new) read as one sentence."""
    lines: list[HistoryLine] = []
    moments = groupby(history, key=lambda c: (c.get("changed_at"), c.get("actor_type"), c.get("actor_id")))
    for index, ((changed_at, _type, _id), group) in enumerate(moments):
        changes = list(group)
        when = fmt.dt(changed_at)
        actor = _actor(changes[0], _)
        if index == 0 and all(c.get("old_value") is None for c in changes) and any(
                c.get("field") == "stage_id" for c in changes):
            lines.append(HistoryLine(when, _creation(changes, actor, _, fmt)))
            continue
        lines += [HistoryLine(when, _change(c, actor, _, fmt)) for c in changes]
    return lines
