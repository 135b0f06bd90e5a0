from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from . import permissions, prepared, selectors, services, tasks
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
    figures_html, as_of, from_prepared = figures_fragment(scope, period)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "scope": scope,
            "period": period,
            "period_choices": CHOICES,
            "figures_html": figures_html,
            "unit_param": request.GET.get("unit", ""),
            "as_of": as_of,
            "now_ymd": f"{timezone.localdate():%Y%m%d}",
            "from_prepared": from_prepared,
            "refresh_minutes": prepared.refresh_minutes(),
            "can_refresh": permissions.can_refresh_figures(request.user),
        },
    )


def figures_fragment(scope, period):
    """The dashboard's figures as HTML, when they were worked out, and whether they came from the
    prepared figures; kept between readers by prepared.kept_rendering until the next refresh."""

    def render():
        table, as_of, from_prepared = services.figure_table_prepared(scope.units, period)
        return render_to_string("reporting/_figures.html", _figures_context(scope, period, table)), as_of, from_prepared

    units = "|".join(f"{u.pk}:{u.code}:{u.kind}:{u.name}" for u in scope.units)
    shown = f"{scope.focus.pk if scope.focus else ''}#{units}#{period.key}:{period.start}:{period.end}#{timezone.localdate()}"
    html, as_of, from_prepared = prepared.kept_rendering(shown, render)
    return mark_safe(html), as_of, from_prepared  # noqa: S308 - our own template's output


def _figures_context(scope, period, table) -> dict:
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
    overview_rows = []
    for u in scope.units:
        vals = []
        for k in OVERVIEW:
            r, _ = by_key[k]
            vals.append(format_value(r.values.get(u.pk), r.definition.fmt) if r.available else "Not available yet")
        overview_rows.append({"unit": u, "values": vals, "is_focus": u == scope.focus})
    return {
        "scope": scope,
        "period": period,
        "sections": sections,
        "overview_cols": [FIGURES_BY_KEY[k] for k in OVERVIEW],
        "overview_rows": overview_rows,
        "trend": _trend(scope.focus),
        "unavailable": [r.definition for r, _ in table if not r.available],
    }


def _trend(focus):
    if focus is None:
        return None
    data = selectors.trend_for(focus, TREND_FIGURES)
    months = [m.strftime("%b %Y") for m in data["months"]]
    return {
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


@require_POST
def refresh(request):
    """HR asks for the prepared figures to be worked out again now (queued; the page says when)."""
    if not permissions.can_refresh_figures(request.user):
        raise Http404("No such page")
    transaction.on_commit(lambda: tasks.prepared_refresh.delay())
    messages.success(request, "The figures are being worked out again. Reload the page in a minute or two.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return redirect(back or "reporting:dashboard")


def export_csv(request):
    scope = _scope(request)
    period = period_for(request.GET.get("period", ""))
    body = services.figures_csv(scope.units, period, prepared=True)
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
