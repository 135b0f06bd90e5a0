from html import escape  # the stdlib one: Django's wraps it in a lazy-string check per call, 1,500 a page

from django import template
from django.utils.safestring import mark_safe

NOT_REQUIRED = '<td class="govuk-table__cell app-heat app-heat--none"><span class="govuk-visually-hidden">not required</span></td>'

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def heat_cells(row):
    """A heat map row's cells as HTML. Built here rather than with template tags because a page holds
    thousands of cells. Each cell shows "current/needed" and a symbol, with the full sentence for
    screen readers (Cell.shown), so colour is never the only signal."""
    out = []
    for cell in row.cells:
        if cell.required is None:
            out.append(NOT_REQUIRED)
            continue
        css, symbol, label = cell.shown()
        label = escape(label)
        out.append(
            f'<td class="govuk-table__cell app-heat {css}" title="{label}">'
            f'<span aria-hidden="true">{"?" if cell.current is None else cell.current}/{cell.required} {symbol}</span>'
            f'<span class="govuk-visually-hidden">{label}</span></td>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every interpolated value is an int or escaped text
