"""The kickoff agenda: agreed and open checklist items as HTML and Markdown."""

from __future__ import annotations

import uuid

from .conftest import ReportWorld, envelope


def item(world: ReportWorld, key: str, label: str, *, required: bool, agreed: bool, value: str | None = None,
         item_id: uuid.UUID | None = None):
    item_id = item_id or uuid.uuid4()
    return envelope("kickoff_item.updated", "kickoff_item", item_id, {
        "id": str(item_id), "project_id": str(world.project_id), "key": key, "label": label,
        "required": required, "agreed": agreed, "value": value,
    })


async def test_agenda_lists_open_items_first_and_agreed_items_with_their_values(world: ReportWorld):
    definition = uuid.uuid4()
    await world.feed(
        item(world, "appointment_definition", "アポ定義", required=True, agreed=False, value="決裁者同席の商談",
             item_id=definition),
        item(world, "target_definition", "ターゲット定義", required=True, agreed=True, value="従業員50名以上のIT企業"),
        item(world, "slack", "Slackチャンネル<共有>", required=False, agreed=False),
    )
    url = f"/v1/projects/{world.project_id}/kickoff-agenda"
    md = await world.client.get(url, params={"format": "md"}, headers=world.headers())
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    text = md.text
    assert text.startswith("# キックオフMTG アジェンダ：クラウド会計 新規開拓")
    assert "必須項目の合意状況：1 / 2" in text and "稼働開始できません" in text
    open_part = text.split("## 未決事項", 1)[1].split("## 合意済み事項", 1)[0]
    assert open_part.index("アポ定義") < open_part.index("Slackチャンネル")
    assert "**[必須]** アポ定義（現案：決裁者同席の商談）" in open_part
    assert "| ターゲット定義 | 従業員50名以上のIT企業 | ○ |" in text

    html = await world.client.get(url, headers=world.headers())
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "アポ定義" in html.text and "Slackチャンネル&lt;共有&gt;" in html.text  # escaped, never raw markup

    # Agreeing the last required item makes the project ready to start.
    await world.feed(item(world, "appointment_definition", "アポ定義", required=True, agreed=True,
                          value="決裁者同席の商談", item_id=definition))
    ready = (await world.client.get(url, params={"format": "md"}, headers=world.headers())).text
    assert "必須項目の合意状況：2 / 2（稼働開始可能）" in ready


async def test_kickoff_agenda_rejects_unknown_formats_and_hides_other_projects(world: ReportWorld):
    url = f"/v1/projects/{world.project_id}/kickoff-agenda"
    bad = await world.client.get(url, params={"format": "pdf"}, headers=world.headers())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"
    missing = await world.client.get(f"/v1/projects/{uuid.uuid4()}/kickoff-agenda", headers=world.headers())
    assert missing.status_code == 404
