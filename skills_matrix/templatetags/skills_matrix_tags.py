from html import escape  # the stdlib one: Django's wraps it in a lazy-string check per call, 1,500 a page

from django import template
from django.utils.safestring import mark_safe

from ..matrix import SYMBOL_MET, SYMBOL_SHORT

NOT_REQUIRED = '<td class="govuk-table__cell app-heat app-heat--none"><span class="govuk-visually-hidden">not required</span></td>'

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def heat_cells(row):
    """A heat map row's cells as HTML. Built here rather than with template tags because a page holds
    thousands of cells. Each cell shows "current/needed" and a symbol, with the full sentence for
    screen readers, so colour is never the only signal. The words, class and symbol are Cell.label,
    Cell.css and Cell.symbol, worked out here from one shortfall per cell (a page has 1,500 cells;
    tests/skills_matrix pin this markup to those properties)."""
    out = []
    for cell in row.cells:
        required = cell.required
        if required is None:
            out.append(NOT_REQUIRED)
            continue
        current = cell.current
        shortfall = max(0, required - (current or 0))
        if shortfall:
            css, symbol, state = f"app-heat--gap{min(shortfall, 3)}", f"{SYMBOL_SHORT}{shortfall}", f"{shortfall} below"
        else:
            css, symbol, state = "app-heat--met", SYMBOL_MET, "meets requirement"
        pending = "" if cell.pending is None else f"; self-assessed {cell.pending}, awaiting validation"
        said = "not assessed" if current is None else f"level {current}"
        label = escape(f"{said}, needs {required}: {state}{pending}")
        out.append(
            f'<td class="govuk-table__cell app-heat {css}" title="{label}">'
            f'<span aria-hidden="true">{"?" if current is None else current}/{required} {symbol}</span>'
            f'<span class="govuk-visually-hidden">{label}</span></td>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every interpolated value is an int or escaped text
