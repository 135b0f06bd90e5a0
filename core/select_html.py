"""A select's HTML built in Python: the markup Django's own select templates give, without a template
include per option (`django/forms/widgets/select_option.html` and `attrs.html` for each one).

The directory's "Part of the council" list has one option for each portfolio and department, and
the filters of the matrix and the queues have such lists too. Rendered option by option through the
template engine, 48 options cost 2 ms of a 12 ms page; here, a tenth of that. Only for widgets that
use Django's stock select templates (anything else renders as its widget says).
"""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

STOCK = (forms.Select.template_name, forms.Select.option_template_name)


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: `name="value"`, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


def render_select(field: forms.BoundField, attrs: dict) -> SafeString | None:
    """`field.as_widget(attrs=attrs)` for a select of the stock templates; None for any other widget."""
    widget = field.field.widget
    if not isinstance(widget, forms.Select) or (widget.template_name, widget.option_template_name) != STOCK:
        return None
    attrs = field.build_widget_attrs(dict(attrs), widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    parts = [f'<select name="{conditional_escape(context["name"])}"{_attrs(context["attrs"])}>']
    for group_name, options, _index in context["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                         f"{conditional_escape(option['label'])}</option>\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
