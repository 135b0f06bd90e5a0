"""Server-rendered SVG charts. Each chart is decorative for screen readers' purposes only in the
sense that the same numbers are in a table beside it; it still carries a <title> so it is announced
as an image of the named figure. Bars are labelled with their values, so colour is never the only
signal."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .figures import format_value

BAR = "#1d70b8"
TEXT = "#0b0c0c"


def bar_chart(*, chart_id: str, title: str, labels: list[str], values: list, fmt: str) -> str:
    row_h, label_w, bar_w = 28, 190, 260
    height = row_h * len(labels) + 8
    numeric = [abs(v) for v in values if v is not None]
    top = max(numeric) if numeric else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title" '
        f'viewBox="0 0 {label_w + bar_w + 110} {height}" width="100%" class="app-chart" '
        f'preserveAspectRatio="xMinYMin meet" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)} (bar chart; the table gives the same figures)</title>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * row_h
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="14" fill="{TEXT}" font-family="Arial, sans-serif">{escape(short)}</text>'
        )
        width = int(bar_w * abs(value) / top) if (value is not None and top) else 0
        if width:
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{width}" height="{row_h - 10}" fill="{BAR}"/>')
        parts.append(
            f'<text x="{label_w + width + 6}" y="{y + 18}" font-size="14" fill="{TEXT}" '
            f'font-family="Arial, sans-serif">{escape(format_value(value, fmt))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node above is escaped


def line_chart(*, chart_id: str, title: str, labels: list[str], values: list, fmt: str) -> str:
    w, h, pad = 480, 160, 30
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title" '
        f'viewBox="0 0 {w} {h + 30}" width="100%" class="app-chart" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)} (line chart; the table gives the same figures)</title>',
        f'<line x1="{pad}" y1="{h}" x2="{w - pad}" y2="{h}" stroke="{TEXT}"/>',
    ]
    if points:
        lo = min(v for _, v in points)
        hi = max(v for _, v in points)
        span = (hi - lo) or 1
        step = (w - 2 * pad) / max(1, len(values) - 1)

        def xy(i, v):
            return pad + i * step, h - 10 - (h - 40) * (v - lo) / span

        coords = " ".join(f"{x:.0f},{y:.0f}" for x, y in (xy(i, v) for i, v in points))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{BAR}" stroke-width="3"/>')
        for i, v in points:
            x, y = xy(i, v)
            parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="4" fill="{BAR}"/>')
            parts.append(
                f'<text x="{x:.0f}" y="{y - 8:.0f}" font-size="11" text-anchor="middle" fill="{TEXT}" '
                f'font-family="Arial, sans-serif">{escape(format_value(v, fmt))}</text>'
            )
        for i, label in enumerate(labels):
            x, _ = xy(i, lo)
            parts.append(
                f'<text x="{x:.0f}" y="{h + 18}" font-size="11" text-anchor="middle" fill="{TEXT}" '
                f'font-family="Arial, sans-serif">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node above is escaped
