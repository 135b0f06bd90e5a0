"""The monthly portfolio report as a PDF (reportlab): a table of every figure with a bar chart per
figure comparing the portfolio's departments."""

import io

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .figures import format_value

BLUE = colors.HexColor("#1d70b8")


def _chart(title: str, cells, fmt: str) -> Drawing | None:
    data = [(u.name if u else "Council-wide", v) for u, v in cells if v is not None]
    if not data:
        return None
    height = 24 + 16 * len(data)
    d = Drawing(170 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 60 * mm, 6
    chart.width, chart.height = 100 * mm, height - 12
    chart.data = [[float(v) for _, v in reversed(data)]]
    chart.categoryAxis.categoryNames = [n[:30] for n, _ in reversed(data)]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    low = min(0, min(float(v) for _, v in data))
    chart.valueAxis.valueMin = low
    chart.bars[0].fillColor = BLUE
    chart.barLabelFormat = lambda v: format_value(v, fmt)
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    d.add(String(0, height - 8, title, fontSize=8))
    return d


def render_report(*, unit, units, period, table) -> bytes:
    buf = io.BytesIO()
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, title=f"{unit.name} digital adoption {period.label}", author="Staff intranet",
        leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
    )
    story = [
        Paragraph(f"{unit.name}: digital adoption", styles["Title"]),
        Paragraph(f"{period.label} ({period.start:%-d %B %Y} to {period.end:%-d %B %Y})", styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    header = ["Figure", *[u.name[:22] for u in units[:6]]]
    rows = [header]
    for r, cells in table:
        if not r.available:
            rows.append([r.definition.label, "Not available yet"] + [""] * (len(header) - 2))
            continue
        if r.definition.council_only:
            rows.append([r.definition.label, f"{format_value(cells[0][1], r.definition.fmt)} (council-wide)"]
                        + [""] * (len(header) - 2))
            continue
        rows.append([r.definition.label, *[format_value(v, r.definition.fmt) for _, v in cells[:6]]])
    t = Table(rows, repeatRows=1)
    t.setStyle(TableStyle([
        ("FONTSIZE", (0, 0), (-1, -1), 7),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
    ]))
    story += [t, Spacer(1, 6 * mm), Paragraph("Charts", styles["Heading2"])]
    for r, cells in table:
        if not r.available or r.definition.council_only:
            continue
        chart = _chart(r.definition.label, cells, r.definition.fmt)
        if chart is not None:
            story.append(KeepTogether([chart, Spacer(1, 3 * mm)]))
    doc.build(story)
    return buf.getvalue()
