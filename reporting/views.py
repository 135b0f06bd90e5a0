from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from . import permissions, selectors, services
from .charts import bar_chart, line_chart
from .figures import FIGURES_BY_KEY, TREND_FIGURES, format_value
from .periods import CHOICES, period_for

OVERVIEW = ["headcount", "skills_analysis_pct", "average_gap", "digital_take_up", "active_users_pct"]


def _scope(request):
    if not permissions.can_view_reporting(request.user):
        raise Http404("No such page")
    raw = request.GET.get("unit", "")
    try:
        unit_id = int(raw) if raw else None
    except ValueError:
        unit_id = None
    try:
        return selectors.scope_for(request.user, unit_id)
    except selectors.OutOfScope as exc:
        # 404 rather than 403: do not confirm another portfolio's figures exist.
        raise Http404("No such unit") from exc


def dashboard(request):
    scope = _scope(request)
    period = period_for(request.GET.get("period", ""))
    units = scope.units
    table = services.figure_table(units, period)
    sections: dict[str, list] = {}
    by_key = {}
    for r, cells in table:
        d = r.definition
        by_key[d.key] = (r, cells)
        item = {"result": r, "definition": d, "cells": [(u, v, format_value(v, d.fmt)) for u, v in cells]}
        if r.available and not d.council_only:
            item["chart"] = bar_chart(
                chart_id=f"chart-{d.key}", title=f"{d.label}, {period.label}",
                labels=[u.name for u, _ in cells], values=[v for _, v in cells], fmt=d.fmt,
            )
        sections.setdefault(d.section, []).append(item)
    overview_cols = [FIGURES_BY_KEY[k] for k in OVERVIEW]
    overview_rows = []
    for u in units:
        vals = []
        for k in OVERVIEW:
            r, _ = by_key[k]
            vals.append(format_value(r.values.get(u.pk), r.definition.fmt) if r.available else "Not available yet")
        overview_rows.append({"unit": u, "values": vals, "is_focus": u == scope.focus})
    trend = None
    if scope.focus is not None:
        data = selectors.trend_for(scope.focus, TREND_FIGURES)
        months = [m.strftime("%b %Y") for m in data["months"]]
        trend = {
            "months": months,
            "rows": [
                {
                    "definition": FIGURES_BY_KEY[k],
                    "values": [format_value(v, FIGURES_BY_KEY[k].fmt) if v is not None else "–" for v in data[k]],
                    "chart": line_chart(
                        chart_id=f"trend-{k}", title=f"{FIGURES_BY_KEY[k].label}, last 12 months",
                        labels=[m.strftime("%b") for m in data["months"]], values=data[k], fmt=FIGURES_BY_KEY[k].fmt,
                    ),
                    "has_data": any(v is not None for v in data[k]),
                }
                for k in TREND_FIGURES
            ],
        }
    unavailable = [r.definition for r, _ in table if not r.available]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "scope": scope,
            "period": period,
            "period_choices": CHOICES,
            "sections": sections,
            "overview_cols": overview_cols,
            "overview_rows": overview_rows,
            "trend": trend,
            "unavailable": unavailable,
            "unit_param": request.GET.get("unit", ""),
        },
    )


def export_csv(request):
    scope = _scope(request)
    period = period_for(request.GET.get("period", ""))
    body = services.figures_csv(scope.units, period)
    name = slugify(scope.focus.name if scope.focus else "my-units")
    resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="adoption-{name}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv"'
    return resp


def export_pdf(request):
    scope = _scope(request)
    if scope.focus is None:
        raise Http404("Choose a unit first")
    period = period_for(request.GET.get("period", ""))
    pdf = services.portfolio_report_pdf(unit=scope.focus, period=period)
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = (
        f'attachment; filename="adoption-{scope.focus.code}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.pdf"'
    )
    return resp
