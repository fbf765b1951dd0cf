"""The appointment quality partial: each rate as a percentage with its 95% Wilson interval and its counts
(「実施率 67%（95%信頼区間 21–94%）2 / 3」), a bar drawing the interval, and the member ranking only when
the view carries members. The figures are reporting-api's answer as it serves it (values from
tests/reporting_kpis/test_appointment_quality.py's hand-computed Wilson intervals)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from anken_web.api_client import ApiError
from anken_web.appointment_quality import MemberQuality, QualityView, figures_of, load_quality, period_range
from anken_web.formatting import Formatter
from anken_web.i18n.catalogs import translations
from anken_web.rendering import templates

TOTALS: dict[str, Any] = {
    "appointments": 7, "held": 2, "no_show": 1, "cancelled": 1, "pending": 3, "qualified": 2, "unqualified": 1,
    "deals": 2, "won": 1, "deal_amount": 1_500_000, "won_amount": 1_000_000,
    "held_rate": 2 / 3, "held_rate_ci": [0.207659600802048, 0.938508055279604],
    "no_show_rate": 1 / 3, "no_show_rate_ci": [0.061491944720396, 0.792340399197952],
    "qualified_rate": 2 / 3, "qualified_rate_ci": [0.207659600802048, 0.938508055279604],
    "appointment_to_deal_rate": 2 / 7, "appointment_to_deal_rate_ci": [0.082218924004057, 0.641065548167381],
    "appointment_to_won_rate": 1 / 7, "appointment_to_won_rate_ci": [0.025679624344744, 0.513127829274319],
}
EMPTY_RATES = {k: None for k in TOTALS if k.endswith("_rate") or k.endswith("_ci")}


def render(quality: QualityView, locale: str = "ja") -> str:
    gettext = translations(locale).gettext

    def _(message: str, **values: object) -> str:
        text = gettext(message)
        return text % values if values else text

    html = templates.get_template("partials/appointment_quality.html").render(
        quality=quality, _=_, fmt=Formatter(locale))
    return re.sub(r"\s+", " ", html)


def view(members: tuple[MemberQuality, ...] | None = None, totals: dict[str, Any] | None = None) -> QualityView:
    return QualityView(period_from=date(2026, 11, 1), period_to=date(2026, 12, 1),
                       totals=figures_of(totals if totals is not None else TOTALS), members=members)


def test_each_rate_shows_its_interval_and_counts() -> None:
    html = render(view())
    assert "実施率" in html and "67%（95%信頼区間 21–94%）</span> <span class=\"muted quality-count\">2 / 3</span>" in html
    assert "ノーショー率" in html and "33%（95%信頼区間 6–79%）" in html
    assert "商談化率" in html and "29%（95%信頼区間 8–64%）" in html and "2 / 7" in html
    assert "受注率" in html and "14%（95%信頼区間 3–51%）" in html and "1 / 7" in html
    assert "有効商談率" in html
    # The bar draws the interval from 21% to 94% of a 120-wide track, the mark at 67%.
    held = figures_of(TOTALS).rate("held_rate")
    assert (held.bar_x, held.bar_width, held.mark_x) == (24.9, 87.7, 80.0)
    assert 'x="24.9" y="1" width="87.7"' in html
    assert "設定 7件：実施 2・ノーショー 1・キャンセル 1・未報告 3" in html and "￥1,500,000" in html
    assert "メンバーランキング" not in html  # no members in the view: no ranking
    english = render(view(), "en")
    assert "67% (95% CI 21–94%)" in english and "Held rate" in english


def test_the_ranking_shows_members_in_the_apis_order_with_their_intervals() -> None:
    few = {**TOTALS, "appointments": 1, "held": 1, "no_show": 0, "qualified": 1, "unqualified": 0, "deals": 0,
           "held_rate": 1.0, "held_rate_ci": [0.206549314377237, 1.0],
           "qualified_rate": 1.0, "qualified_rate_ci": [0.206549314377237, 1.0],
           "appointment_to_deal_rate": 0.0, "appointment_to_deal_rate_ci": [0.0, 0.793450685622763]}
    members = (MemberQuality(key="m1", name="山田 太郎", figures=figures_of(few)),
               MemberQuality(key="m2", name=None, figures=figures_of(TOTALS)))
    html = render(view(members))
    assert "メンバーランキング" in html
    assert html.index('data-member="m1"') < html.index("山田 太郎") < html.index('data-member="m2"')
    assert translations("ja").gettext("Unknown member") in html  # a member without a name is not shown as an id
    assert "100%（95%信頼区間 21–100%）" in html  # one appointment: a wide interval, shown


def test_empty_period_and_figures_not_yet_known() -> None:
    empty = {**TOTALS, **EMPTY_RATES, **{k: 0 for k in ("appointments", "held", "no_show", "cancelled", "pending",
                                                          "qualified", "unqualified", "deals", "won", "deal_amount",
                                                          "won_amount")}}
    assert all(r.value is None and r.low is None for r in figures_of(empty).rates)
    assert "この期間に設定したアポはありません。" in render(view(totals=empty))
    unknown = QualityView(period_from=date(2026, 11, 1), period_to=date(2026, 12, 1), totals=None, members=None)
    pending = translations("ja").gettext("The figures are not available yet. They appear once reporting has caught up "
                                         "with this project; reload in a moment.")
    assert pending in render(unknown) and "quality-totals" not in render(unknown)


def test_the_directors_periods() -> None:
    first, after, chosen = period_range("90d", "Asia/Tokyo")
    assert chosen == "90d" and (after - first).days == 90
    assert period_range("nonsense", "Asia/Tokyo")[2] == "month"
    first, after, chosen = period_range("last_month", "Asia/Tokyo")
    assert first.day == 1 and after.day == 1 and chosen == "last_month"


class _ReportingApi:
    """Answers like reporting-api for a client user of a project that does not allow member names."""

    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []

    async def get(self, api: str, path: str, **params: Any) -> dict[str, Any]:
        self.asked.append(params)
        if params.get("group_by") == "member":
            raise ApiError(403, detail="group_by=member names the members", api=api)
        return {**TOTALS, "groups": []}


async def test_a_refused_ranking_falls_back_to_the_totals() -> None:
    api = _ReportingApi()
    quality = await load_quality(api, "p1", period_from=date(2026, 11, 1), period_to="2026-12-01",  # type: ignore[arg-type]
                                 with_members=True)
    assert [p.get("group_by") for p in api.asked] == ["member", None]
    assert api.asked[1] == {"from": "2026-11-01", "to": "2026-12-01"}
    assert quality.members is None and quality.totals is not None and quality.totals.appointments == 7
    assert "quality-ranking" not in render(quality)
