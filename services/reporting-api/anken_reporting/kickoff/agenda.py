"""The kickoff meeting agenda: what is agreed and what is still open, from the checklist.

A project cannot become active until its required items are agreed (DESIGN §2), so open
required items come first: they are what the meeting must settle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from anken_reporting.kickoff.models import KickoffItem
from anken_reporting.kpis.repository import ProjectRow

# The standard flow of a kickoff with the client, before the checklist-driven parts.
OPENING = ["ご挨拶・体制紹介", "本日のゴール確認（稼働開始に必要な事項の合意）"]
CLOSING = ["次回定例MTGの日程・Slackチャンネルでの連絡方法", "質疑応答"]


@dataclass(frozen=True)
class KickoffAgenda:
    project_name: str
    client_name: str | None
    generated_at: datetime
    open_items: list[KickoffItem]
    agreed_items: list[KickoffItem]
    required_total: int
    required_agreed: int

    @property
    def ready_to_start(self) -> bool:
        return self.required_agreed == self.required_total


def build_agenda(project: ProjectRow, items: list[KickoffItem], generated_at: datetime) -> KickoffAgenda:
    ordered = sorted(items, key=lambda i: (not i.required, i.label, i.key))
    required = [i for i in ordered if i.required]
    return KickoffAgenda(
        project_name=project["name"], client_name=project.get("client_name"), generated_at=generated_at,
        open_items=[i for i in ordered if not i.agreed], agreed_items=[i for i in ordered if i.agreed],
        required_total=len(required), required_agreed=sum(1 for i in required if i.agreed),
    )


def _md_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in text).replace("\n", " ")


def render_markdown(agenda: KickoffAgenda) -> str:
    lines = [f"# キックオフMTG アジェンダ：{_md_escape(agenda.project_name)}", ""]
    if agenda.client_name:
        lines += [f"- クライアント：{_md_escape(agenda.client_name)}"]
    lines += [
        f"- 必須項目の合意状況：{agenda.required_agreed} / {agenda.required_total}"
        + ("（稼働開始可能）" if agenda.ready_to_start else "（未合意の必須項目があるため稼働開始できません）"),
        f"- 作成日時：{agenda.generated_at:%Y-%m-%d %H:%M}", "",
        "## 進行", "",
    ]
    lines += [f"{n}. {step}" for n, step in enumerate([*OPENING, "未決事項の確認・合意", "合意済み事項の最終確認", *CLOSING], 1)]
    lines += ["", "## 未決事項（本MTGで決めること）", ""]
    if agenda.open_items:
        lines += [
            f"- [ ] {'**[必須]** ' if i.required else ''}{_md_escape(i.label)}"
            + (f"（現案：{_md_escape(i.value)}）" if i.value else "")
            for i in agenda.open_items
        ]
    else:
        lines.append("- なし（すべて合意済み）")
    lines += ["", "## 合意済み事項", ""]
    if agenda.agreed_items:
        lines += ["| 項目 | 合意内容 | 必須 |", "|---|---|---|"]
        lines += [
            f"| {_md_escape(i.label)} | {_md_escape(i.value or '—')} | {'○' if i.required else ''} |"
            for i in agenda.agreed_items
        ]
    else:
        lines.append("- まだありません")
    return "\n".join(lines) + "\n"
