"""The text of everything the worker sends: Slack messages (Block Kit with a plain-text fallback),
Confluence page bodies and slash-command answers. Japanese first, as the agency works in Japanese.

Text that people typed (names, notes, qualification answers, reasons) goes through `_u`, Slack's
escaping of &, < and >, wherever Slack reads mrkdwn (a message's `text`, mrkdwn sections and fields),
so that `<!channel>` or `<https://evil|label>` in a note stays text. plain_text headers and channel
topics are not parsed for those sequences and are left as typed."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from anken_common.event_payloads import (
    AppointmentPayload,
    DailyReportPayload,
    PaceAlertPayload,
    WeeklyReportCommentedPayload,
    WeeklyReportPublishedPayload,
)
from anken_common.slack_text import escape as slack_escape

INTEGRATION_LABELS = {"slack": "Slack", "confluence": "Confluence", "sheets": "Google スプレッドシート", "webhook": "Webhook"}
QUALIFICATION_LABELS = {"budget": "予算 (Budget)", "authority": "決裁権 (Authority)", "need": "ニーズ (Need)",
                        "timeline": "導入時期 (Timeline)", "timing": "導入時期 (Timeline)"}


def _u(value: Any) -> str:
    """User-typed text, safe in Slack mrkdwn."""
    return "" if value is None else slack_escape(str(value))


def _local(dt: datetime, tz: str) -> str:
    return dt.astimezone(ZoneInfo(tz)).strftime("%Y/%m/%d %H:%M")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"[:2000]} for k, v in pairs[:10]]}


def _rate(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def appointment_report(a: AppointmentPayload, tz: str) -> tuple[str, list[dict[str, Any]]]:
    contact = _u(" ".join(x for x in (a.contact_title, a.contact_name) if x)) or "—"
    member = _u(a.member_name) or "—"
    company = _u(a.company_name)
    meeting = _local(a.meeting_at, tz)
    text = f"🎉 アポ獲得: {company} / {contact} / 商談日時 {meeting} / 担当 {member}"
    pairs = [("企業名", company), ("担当者", contact), ("商談日時", meeting), ("獲得メンバー", member)]
    qualification = [(QUALIFICATION_LABELS.get(k.lower()) or _u(k), _u(v)) for k, v in a.qualification.items()]
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "🎉 アポイント獲得報告", "emoji": True}},
        _fields(pairs),
    ]
    if qualification:
        blocks.append(_fields(qualification))
    if a.note:
        blocks.append(_section(f"*メモ*\n{_u(a.note)}"))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"獲得日時 {_local(a.set_at, tz)}"}]})
    return text, blocks


def appointment_outcome_notice(a: AppointmentPayload, unqualified: bool, tz: str) -> tuple[str, list[dict[str, Any]]]:
    """The director's notice of a no-show (appointment.no_show) or a not-qualified result (appointment.unqualified)."""
    company, member, meeting = _u(a.company_name), _u(a.member_name) or "—", _local(a.meeting_at, tz)
    if unqualified:
        title, reason = "⚠️ 対象外判定", _u(a.unqualified_reason) or "—"
        text = f"{title}: {company} / 商談日時 {meeting} / 担当 {member} / 理由 {reason}"
        pairs = [("企業名", company), ("商談日時", meeting), ("獲得メンバー", member), ("対象外の理由", reason)]
    else:
        title = "⚠️ 商談不在 (ノーショー)"
        text = f"{title}: {company} / 商談日時 {meeting} / 担当 {member}"
        pairs = [("企業名", company), ("商談日時", meeting), ("獲得メンバー", member)]
    return text, [{"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}}, _fields(pairs)]


def channel_topic(project: dict[str, Any]) -> str:
    snap = project.get("snapshot") or {}
    target = project.get("monthly_appointment_target") or 0
    parts = [f"{project.get('client_name') or ''} {project['name']}".strip(), f"月間アポ目標 {target}件"]
    if snap.get("contract_end"):
        parts.append(f"契約終了 {snap['contract_end']}")
    return " | ".join(parts)[:250]


def kickoff_summary(project: dict[str, Any], director_name: str | None) -> tuple[str, list[dict[str, Any]]]:
    snap = project.get("snapshot") or {}
    fields = [
        ("クライアント", _u(project.get("client_name")) or "—"),
        ("商材", _u(snap.get("product")) or "—"),
        ("ディレクター", _u(director_name) or "—"),
        ("月間アポ目標", f"{project.get('monthly_appointment_target') or 0}件"),
        ("契約稼働時間", f"{snap.get('contracted_monthly_hours') or 0}時間/月"),
        ("契約期間", f"{snap.get('contract_start') or '—'} 〜 {snap.get('contract_end') or '—'}"),
    ]
    qualification = snap.get("qualification_fields") or []
    text = f"📌 キックオフ: {_u(project['name'])} (月間アポ目標 {project.get('monthly_appointment_target') or 0}件)"
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": f"📌 キックオフ概要: {project['name']}"[:150]}},
        _fields(fields),
    ]
    if qualification:
        blocks.append(_section("*ヒアリング項目*\n" + "\n".join(f"• {_u(q)}" for q in qualification)))
    return text, blocks


def pace_alert(p: PaceAlertPayload, project_name: str, member_name: str | None, alert_id: str) -> tuple[str, list[dict[str, Any]]]:
    who = f" / {_u(member_name)}" if member_name else ""
    name, message = _u(project_name), _u(p.message)
    text = f"⚠️ ペースアラート: {name}{who}: {message}"
    blocks = [
        _section(f"⚠️ *ペースアラート* — {name}{who}\n{message}"),
        {"type": "actions", "elements": [{
            "type": "button", "text": {"type": "plain_text", "text": "確認しました"}, "style": "primary",
            "action_id": "ack_alert", "value": alert_id,
        }]},
    ]
    return text, blocks


def weekly_report_link(p: WeeklyReportPublishedPayload, shared: dict[str, Any] | None = None) -> str | None:
    """Where people open the report: the signed link that needs no login (`shared`, made by reporting-api when
    the message is posted), else the web app's page (after login). Never the API's URL: it answers 401 in a browser."""
    return str(shared["url"]) if shared and shared.get("url") else p.web_url


def _expiry(shared: dict[str, Any] | None, tz: str) -> str | None:
    if not shared or not shared.get("expires_at"):
        return None
    return _local(datetime.fromisoformat(str(shared["expires_at"])), tz)


def weekly_report(p: WeeklyReportPublishedPayload, project_name: str, shared: dict[str, Any] | None = None,
                  tz: str = "Asia/Tokyo") -> tuple[str, list[dict[str, Any]]]:
    name, link = _u(project_name), weekly_report_link(p, shared)
    text = f"📊 週次レポート {p.iso_week} (第 {p.version} 版) を公開しました: {name}" + (f" — {link}" if link else "")
    blocks: list[dict[str, Any]] = [
        _section(f"📊 *週次レポート {p.iso_week}* (第 {p.version} 版) — {name}\n{_u(p.summary)}"),
    ]
    if link:
        blocks.append({"type": "actions", "elements": [{
            "type": "button", "text": {"type": "plain_text", "text": "レポートを開く"}, "url": link,
            "action_id": "open_weekly_report",
        }]})
    expiry = _expiry(shared, tz)
    if expiry:
        blocks.append({"type": "context", "elements": [{
            "type": "mrkdwn", "text": f"ログイン不要の共有リンクです（{expiry} まで有効）。期限後は Anken にログインしてご覧ください。"}]})
    return text, blocks


def report_comment_notice(p: WeeklyReportCommentedPayload, project_name: str,
                          tz: str = "Asia/Tokyo") -> tuple[str, list[dict[str, Any]]]:
    """The director's notice of a client's comment on a published weekly report, with a button to the week's page."""
    name, body, author = _u(project_name), _u(p.body), _u(p.author_name) or "クライアント"
    title = f"💬 クライアントからのコメント — {name} {p.iso_week}"
    quoted = "\n".join(f">{line}" for line in body.splitlines()) or ">"
    text = f"{title}: {author}「{body}」" + (f" — {p.web_url}" if p.web_url else "")
    blocks: list[dict[str, Any]] = [
        _section(f"💬 *クライアントからのコメント* — {name} {p.iso_week}（第 {p.version} 版）\n{quoted}"),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{author} ・ {_local(p.created_at, tz)}"}]},
    ]
    if p.web_url:
        blocks.append({"type": "actions", "elements": [{
            "type": "button", "text": {"type": "plain_text", "text": "週次レポートを開く"}, "url": p.web_url,
            "action_id": "open_report_comment",
        }]})
    return text, blocks


def daily_report(p: DailyReportPayload, project_name: str, member_name: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The member's end-of-day report (日報) as posted to the project channel; a resubmission says so."""
    who = _u(member_name) or "メンバー"
    name, summary = _u(project_name), _u(p.summary)
    revised = "（更新）" if p.version > 1 else ""
    text = f"📝 日報{revised} {p.day.isoformat()} {who} — {name}: {summary}"
    pairs = [("稼働時間", f"{p.hours:g} 時間")]
    pairs += [(label, _u(value)) for label, value in (
        ("良い反応", p.good_reactions), ("断り文句・課題", p.objections), ("明日のアクション", p.next_actions)) if value]
    blocks = [_section(f"📝 *日報{revised}* {p.day.isoformat()} — {who}（{name}）\n{summary}"), _fields(pairs)]
    return text, blocks


def weekly_report_page(p: WeeklyReportPublishedPayload, project_name: str, shared: dict[str, Any] | None = None,
                       tz: str = "Asia/Tokyo") -> str:
    link, expiry = weekly_report_link(p, shared), _expiry(shared, tz)
    parts = [f"<h1>{escape(project_name)} 週次レポート {escape(p.iso_week)} (第 {p.version} 版)</h1>",
             f"<p>{escape(p.summary)}</p>"]
    if link:
        parts.append(f"<p><a href=\"{escape(link)}\">レポートを開く</a></p>")
    if expiry:
        login = f" 期限後は <a href=\"{escape(p.web_url)}\">Anken にログインして</a>ご覧ください。" if p.web_url else ""
        parts.append(f"<p>ログイン不要の共有リンクです（{escape(expiry)} まで有効）。{login}</p>")
    return "".join(parts)


def end_of_day(project_name: str, day: str, kpis: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    pairs = [
        ("架電数", str(kpis.get("calls", 0))), ("コンタクト数", str(kpis.get("contacts", 0))),
        ("アポ数", str(kpis.get("appointments", 0))), ("コンタクト率", _rate(kpis.get("contact_rate"))),
        ("コンタクトアポ率", _rate(kpis.get("contact_to_appointment_rate"))),
        ("進捗率", _rate(kpis.get("progress_rate"))),
    ]
    project_name = _u(project_name)
    text = (f"📝 {day} 終業報告 {project_name}: 架電 {pairs[0][1]} / コンタクト {pairs[1][1]} / アポ {pairs[2][1]}")
    blocks = [_section(f"📝 *{day} 終業報告* — {project_name}"), _fields(pairs)]
    members = [g for g in kpis.get("groups") or [] if g.get("calls")]
    if members:
        lines = [f"• {_u(g.get('label') or g.get('key')) or '—'}: 架電 {g.get('calls', 0)} / コンタクト "
                 f"{g.get('contacts', 0)} / アポ {g.get('appointments', 0)}" for g in members]
        blocks.append(_section("*メンバー別*\n" + "\n".join(lines)))
    return text, blocks


def pace_warning(project_name: str, day: str, pace: float, progress: Any) -> tuple[str, list[dict[str, Any]]]:
    text = f"⚠️ {_u(project_name)}: ペース {pace:.2f} (進捗率 {_rate(progress)}) — {day} 時点で目標ペースを下回っています"
    return text, [_section(text)]


def integration_broken_message(integration: str, reason: str) -> tuple[str, list[dict[str, Any]]]:
    label = INTEGRATION_LABELS.get(integration, integration)
    text = f"🚨 {label} 連携が停止しています: {_u(reason)}。設定を確認し、配信ログからまとめて再送してください。"
    return text, [_section(text)]


def _number(value: Any, pattern: str = "{:.2f}") -> str:
    return "—" if value is None else pattern.format(float(value))


def status_answer(project: dict[str, Any], kpis: dict[str, Any] | None) -> str:
    if kpis is None:
        return f"{_u(project['name'])}: 現在数値を取得できません。しばらくしてから再度お試しください。"
    return (f"*{_u(project['name'])}* 今月: アポ {kpis.get('appointments', 0)}件 / 目標 "
            f"{project.get('monthly_appointment_target') or 0}件 — 進捗率 {_rate(kpis.get('progress_rate'))}, "
            f"ペース {_number(kpis.get('pace'))}, 月末着地見込 {_number(kpis.get('projected_month_end'), '{:.1f}件')}")


def today_answer(project: dict[str, Any], kpis: dict[str, Any] | None) -> str:
    if kpis is None:
        return f"{_u(project['name'])}: 現在数値を取得できません。"
    return (f"*{_u(project['name'])}* 本日: 架電 {kpis.get('calls', 0)} / コンタクト {kpis.get('contacts', 0)} / "
            f"アポ {kpis.get('appointments', 0)} (コンタクト率 {_rate(kpis.get('contact_rate'))})")


def my_pace_answer(project: dict[str, Any], group: dict[str, Any] | None, *, unavailable: bool = False) -> str:
    if unavailable:
        return f"{_u(project['name'])}: 現在数値を取得できません。"
    if group is None:
        return f"{_u(project['name'])}: あなたの今月の実績はまだありません。"
    return (f"*{_u(project['name'])}* あなたの今月: 架電 {group.get('calls', 0)} / アポ {group.get('appointments', 0)} "
            f"(アポ率 {_rate(group.get('appointment_rate'))})")


COMMAND_HELP = ("使い方 (案件のチャンネルで): `/anken status` 案件の状況 ・ `/anken today` 本日の数値 ・ "
                "`/anken pace` 自分のペース")
NO_PROJECT_HERE = "このチャンネルに紐づく案件がありません。案件のチャンネルでお試しください。"
ALERT_NOT_HERE = "このアラートはこのチャンネルの案件のものではありません。確認は記録していません。"


# Confluence page bodies (storage format = XHTML).

def overview_page(project: dict[str, Any], director_name: str | None) -> str:
    snap = project.get("snapshot") or {}
    rows = [
        ("クライアント", project.get("client_name") or ""), ("商材", snap.get("product") or ""),
        ("ディレクター", director_name or ""), ("月間アポ目標", f"{project.get('monthly_appointment_target') or 0}件"),
        ("契約稼働時間", f"{snap.get('contracted_monthly_hours') or 0}時間/月"),
        ("契約期間", f"{snap.get('contract_start') or ''} 〜 {snap.get('contract_end') or ''}"),
        ("ヒアリング項目", "、".join(snap.get("qualification_fields") or [])),
    ]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    return f"<h1>{escape(project['name'])} 案件概要</h1><table><tbody>{table}</tbody></table>"


def agenda_fallback_page(project: dict[str, Any]) -> str:
    items = ["案件概要・商材理解の確認", "ターゲット定義・アプローチリストの確認", "アポイント定義・ヒアリング項目(BANT)の合意",
             "トークスクリプト(A/Bパターン)の確認", "KPI目標と報告フロー(Slack・週次定例)の確認", "今後のスケジュール"]
    return f"<h1>{escape(project['name'])} キックオフアジェンダ</h1><ol>" + "".join(
        f"<li>{escape(i)}</li>" for i in items) + "</ol>"


def talk_scripts_page(project: dict[str, Any], scripts: dict[str, dict[str, Any]]) -> str:
    if not scripts:
        return f"<h1>{escape(project['name'])} トークスクリプト</h1><p>スクリプトはまだ登録されていません。</p>"
    parts = [f"<h1>{escape(project['name'])} トークスクリプト</h1>"]
    for variant in sorted(scripts):
        s = scripts[variant]
        body = "".join(f"<p>{escape(line)}</p>" for line in str(s.get("body", "")).splitlines() if line.strip())
        parts.append(f"<h2>パターン {escape(variant)}: {escape(str(s.get('title', '')))} (v{s.get('version')})</h2>{body}")
    return "".join(parts)


def faq_page(project: dict[str, Any]) -> str:
    return (f"<h1>{escape(project['name'])} ナレッジ / FAQ</h1>"
            "<h2>よくある切り返し</h2><p>(受付ブロック・担当者不在・検討中などの切り返しを追記してください)</p>"
            "<h2>成功事例</h2><p>(アポ獲得につながったトークを追記してください)</p>")
