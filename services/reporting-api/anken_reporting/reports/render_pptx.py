"""The weekly report as a 16:9 deck a director can send as is (python-pptx).

Slides: title, summary, members (paged), funnel and daily trend (native charts), A/B test,
notes and next actions, agenda. Every run carries a Japanese font for both the Latin and
the East Asian script slots, or PowerPoint would fall back to a font without kana.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.text.text import Font, TextFrame
from pptx.util import Emu, Inches, Length, Pt

from anken_reporting.reports import formatting as fmt
from anken_reporting.reports.schemas import WeeklyReport

FONT = "Noto Sans JP"
NAVY = RGBColor(0x1C, 0x4E, 0x80)
GREY = RGBColor(0x55, 0x55, 0x55)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MEMBERS_PER_SLIDE = 14
MARGIN = Inches(0.5)
CONTENT_W = Emu(SLIDE_W - 2 * MARGIN)


def _font(font: Font, size: int | None = None, bold: bool | None = None, colour: RGBColor | None = None) -> None:
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour
    font.name = FONT
    rpr = font._rPr
    latin = rpr.find(qn("a:latin"))
    east_asian = rpr.find(qn("a:ea"))
    if east_asian is None:
        east_asian = rpr.makeelement(qn("a:ea"), {})
        latin.addnext(east_asian)
    east_asian.set("typeface", FONT)


def _text(frame: TextFrame, lines: Sequence[str], size: int = 16, bold: bool = False, colour: RGBColor | None = None,
          bullet: bool = False) -> None:
    frame.word_wrap = True
    for index, line in enumerate(lines or ["—"]):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = ("・" if bullet else "") + line
        _font(run.font, size, bold, colour)


def _slide(deck: Deck, title: str) -> Slide:
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank: we place every shape ourselves
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Emu(0), SLIDE_W, Inches(0.9))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    box = slide.shapes.add_textbox(MARGIN, Inches(0.15), CONTENT_W, Inches(0.6))
    _text(box.text_frame, [title], 24, True, WHITE)
    return slide


def _table(slide: Slide, header: Sequence[str], rows: Sequence[Sequence[str]], top: int, height: int,
           widths: Sequence[float] | None = None, size: int = 12) -> None:
    width = CONTENT_W
    shape = slide.shapes.add_table(len(rows) + 1, len(header), MARGIN, Emu(top), width, Emu(height))
    table = shape.table
    if widths:
        total = sum(widths)
        for index, share in enumerate(widths):
            table.columns[index].width = Emu(int(width * share / total))
    for row_index, values in enumerate([header, *rows]):
        for col_index, value in enumerate(values):
            cell = table.cell(row_index, col_index)
            cell.text_frame.paragraphs[0].text = ""
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = str(value)
            _font(run.font, size, row_index == 0, WHITE if row_index == 0 else None)
            if col_index > 0 and row_index > 0:
                cell.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT


def _title_slide(deck: Deck, report: WeeklyReport) -> None:
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(0), Inches(2.3), SLIDE_W, Inches(2.2))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    box = slide.shapes.add_textbox(MARGIN, Inches(2.5), CONTENT_W, Inches(1.9))
    _text(box.text_frame, [report.project.name, "定例MTG資料"], 32, True, WHITE)
    week_last = report.daily[-1].day if report.daily else report.week_start
    status = fmt.status_label(report.version if report.status == "published" else None)
    meta = slide.shapes.add_textbox(MARGIN, Inches(4.8), CONTENT_W, Inches(1.2))
    _text(meta.text_frame, [
        f"{report.project.client_name or ''} 御中",
        f"{report.iso_week}（{fmt.long_date(report.week_start)}〜{fmt.long_date(week_last)}）　{status}",
    ], 16, False, GREY)


def _summary_slide(deck: Deck, report: WeeklyReport) -> None:
    slide = _slide(deck, "今週のサマリー")
    box = slide.shapes.add_textbox(MARGIN, Inches(1.05), CONTENT_W, Inches(0.6))
    _text(box.text_frame, [report.summary], 16, True, NAVY)
    rows = [
        [f.label, fmt.figure(f.this_week, f.kind), fmt.figure(f.last_week, f.kind), fmt.signed(f.change, f.kind),
         fmt.count(f.target), fmt.pct(f.achievement)]
        for f in report.figures
    ]
    _table(slide, ["指標", "今週", "先週", "増減", "週目標", "達成率"], rows, Inches(1.7), Inches(3.6),
           [3, 2, 2, 2, 2, 2], 14)
    m = report.month
    month = slide.shapes.add_textbox(MARGIN, Inches(5.9), CONTENT_W, Inches(1.0))
    _text(month.text_frame, [
        f"月間進捗（{fmt.long_date(m.as_of)}時点）: {m.appointments_so_far} / {m.monthly_target}件　"
        f"進捗率 {fmt.pct(m.progress_rate)}　ペース {fmt.decimal(m.pace)}　月末着地見込み {fmt.count(m.projected_month_end)}件",
        f"リスト残 {fmt.count(report.list_status.remaining_targets)}社　枯渇見込み {fmt.long_date(report.list_status.exhaustion_date)}　"
        f"アポ実施率 {fmt.pct(report.appointment_quality.held_rate)}　有効商談率 {fmt.pct(report.appointment_quality.qualified_rate)}",
    ], 14, False, GREY)


def _member_slides(deck: Deck, report: WeeklyReport) -> None:
    members = report.members or []
    pages = [members[i:i + MEMBERS_PER_SLIDE] for i in range(0, len(members), MEMBERS_PER_SLIDE)] or [[]]
    for number, page in enumerate(pages, start=1):
        title = "メンバー別実績" + (f"（{number}/{len(pages)}）" if len(pages) > 1 else "")
        slide = _slide(deck, title)
        rows = [
            [m.name, fmt.count(m.calls), fmt.count(m.contacts), fmt.count(m.appointments), fmt.pct(m.contact_rate),
             fmt.pct(m.contact_to_appointment_rate), fmt.hours(m.worked_hours), fmt.decimal(m.appointments_per_hour)]
            for m in page
        ] or [["今週の稼働はありません", "", "", "", "", "", "", ""]]
        _table(slide, ["メンバー", "架電", "コンタクト", "アポ", "コンタクト率", "コンタクトアポ率", "稼働時間", "時間あたりアポ"],
               rows, Inches(1.1), Inches(0.4) * (len(rows) + 1), [3, 1.4, 1.6, 1.2, 1.8, 2.2, 1.6, 1.8], 12)


def _chart(slide: Slide, chart_type: XL_CHART_TYPE, x: Length, y: Length, cx: Length, cy: Length,
           data: CategoryChartData) -> Chart:
    # python-pptx annotates add_chart as taking ChartData (its deprecated alias of CategoryChartData) and
    # returning the Chart; it takes any category data and returns the GraphicFrame holding the chart.
    frame: GraphicFrame = slide.shapes.add_chart(chart_type, x, y, cx, cy, data)  # type: ignore[arg-type, assignment]
    return frame.chart


def _chart_font(chart: Chart, size: int = 12) -> None:
    _font(chart.font, size)


def _funnel_slide(deck: Deck, report: WeeklyReport) -> None:
    slide = _slide(deck, "ファネルと日別推移")
    funnel = CategoryChartData()
    funnel.categories = [step.label for step in report.funnel]
    funnel.add_series("件数", [step.count for step in report.funnel])
    chart = _chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, MARGIN, Inches(1.2), Inches(5.8), Inches(5.6), funnel)
    chart.has_legend = False
    chart.plots[0].has_data_labels = True
    chart.plots[0].data_labels.number_format = "#,##0"
    chart.plots[0].data_labels.number_format_is_linked = False
    chart.category_axis.reverse_order = True  # calls on top, appointments at the bottom
    chart.has_title = True
    chart.chart_title.text_frame.text = "架電 → コンタクト → アポ"
    _chart_font(chart)
    for paragraph in chart.chart_title.text_frame.paragraphs:
        for run in paragraph.runs:
            _font(run.font, 14, True)

    trend = CategoryChartData()
    trend.categories = [fmt.day_label(point.day) for point in report.daily]
    trend.add_series("架電数", [point.calls for point in report.daily])
    trend.add_series("コンタクト数", [point.contacts for point in report.daily])
    trend.add_series("アポ数", [point.appointments for point in report.daily])
    chart = _chart(slide, XL_CHART_TYPE.LINE_MARKERS, Inches(6.8), Inches(1.2), Inches(6.0), Inches(5.6), trend)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.has_title = True
    chart.chart_title.text_frame.text = "日別推移"
    _chart_font(chart)
    for paragraph in chart.chart_title.text_frame.paragraphs:
        for run in paragraph.runs:
            _font(run.font, 14, True)


def _ab_slide(deck: Deck, report: WeeklyReport) -> None:
    slide = _slide(deck, "A/Bテスト結果")
    rows = [
        [v.variant, fmt.count(v.calls), fmt.count(v.contacts), fmt.count(v.appointments), fmt.pct(v.contact_rate),
         fmt.pct(v.contact_to_appointment_rate),
         (f"{fmt.pct(v.contact_to_appointment_ci[0])}〜{fmt.pct(v.contact_to_appointment_ci[1])}"
          if v.contact_to_appointment_ci else fmt.EMPTY)]
        for v in report.ab_test.variants
    ] or [["今週はパターン別の架電がありません", "", "", "", "", "", ""]]
    _table(slide, ["パターン", "架電", "コンタクト", "アポ", "コンタクト率", "コンタクトアポ率", "95%信頼区間"],
           rows, Inches(1.2), Inches(0.45) * (len(rows) + 1), [2, 1.3, 1.5, 1.2, 1.8, 2.2, 2.6], 14)
    ab = report.ab_test
    verdict = f"パターン{ab.winner}が優位" if ab.winner else "有意差なし（検証継続）"
    box = slide.shapes.add_textbox(MARGIN, Inches(5.6), CONTENT_W, Inches(1.0))
    _text(box.text_frame, [f"判定: {verdict}　z = {fmt.decimal(ab.z)}　p値 = {fmt.decimal(ab.p_value, 3)}",
                           "判定基準: p < 0.05 かつ各パターンのコンタクト数 100 以上"], 16, False, GREY)


def _actions_slide(deck: Deck, report: WeeklyReport) -> None:
    slide = _slide(deck, "定性情報とネクストアクション")
    columns = [
        ("良い反応", report.notes.good_reactions),
        ("断り文句・懸念", report.notes.objections),
        ("学び", report.notes.learnings),
    ]
    width = CONTENT_W / 3
    for index, (heading, items) in enumerate(columns):
        box = slide.shapes.add_textbox(
            Emu(MARGIN + int(width * index)), Inches(1.1), Emu(int(width) - Inches(0.1)), Inches(2.4)
        )
        _text(box.text_frame, [heading], 16, True, NAVY)
        for item in items or ["—"]:
            paragraph = box.text_frame.add_paragraph()
            run = paragraph.add_run()
            run.text = "・" + item
            _font(run.font, 13)
    rows = [[a.text, a.owner or fmt.EMPTY, fmt.long_date(a.due)] for a in report.next_actions] or [["—", "", ""]]
    _table(slide, ["ネクストアクション", "担当", "期限"], rows[:10], Inches(3.7), Inches(0.4) * (min(len(rows), 10) + 1),
           [6, 1.5, 1.8], 13)


def _agenda_slide(deck: Deck, report: WeeklyReport) -> None:
    slide = _slide(deck, "本日のアジェンダ（30分）")
    box = slide.shapes.add_textbox(MARGIN, Inches(1.1), CONTENT_W, Inches(6.0))
    frame = box.text_frame
    frame.word_wrap = True
    first = True
    for number, section in enumerate(report.agenda, start=1):
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        run = paragraph.add_run()
        run.text = f"{number}. {section.title}（{section.minutes}分）"
        _font(run.font, 18, True, NAVY)
        for item in section.items:
            paragraph = frame.add_paragraph()
            paragraph.level = 1
            run = paragraph.add_run()
            run.text = "・" + item
            _font(run.font, 14)


def render_pptx(report: WeeklyReport) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    deck.core_properties.title = f"{report.project.name} 定例MTG資料 {report.iso_week}"
    deck.core_properties.subject = report.summary
    _title_slide(deck, report)
    _agenda_slide(deck, report)
    _summary_slide(deck, report)
    _member_slides(deck, report)
    _funnel_slide(deck, report)
    _ab_slide(deck, report)
    _actions_slide(deck, report)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
