"""GOV.UK Frontend markup for Django forms: `{% govuk_field form.field %}` and
`{% govuk_error_summary form %}`. Renders labels, hints, error messages and the right input classes
so every form in the product is accessible in the same way."""

from django import forms, template
from django.utils.html import escape, format_html

from core.select_html import render_select

register = template.Library()


def _widget_kind(field) -> str:
    w = field.field.widget
    if isinstance(w, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(w, forms.RadioSelect):
        return "radios"
    if isinstance(w, forms.CheckboxInput):
        return "checkbox"
    if isinstance(w, forms.Select):
        return "select"
    if isinstance(w, forms.Textarea):
        return "textarea"
    if isinstance(w, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.inclusion_tag("govuk/field.html")
def govuk_field(field, label_size="s", width="", is_page_heading=False):
    kind = _widget_kind(field)
    css = {
        "input": "govuk-input",
        "select": "govuk-select",
        "textarea": "govuk-textarea",
        "file": "govuk-file-upload",
    }.get(kind, "")
    if css:
        if field.errors:
            css += {"input": " govuk-input--error", "select": " govuk-select--error",
                    "textarea": " govuk-textarea--error", "file": " govuk-file-upload--error"}[kind]
        if width:
            css += f" govuk-input--width-{width}" if width.isdigit() else f" govuk-!-width-{width}"
    attrs = {"class": css} if css else {}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    widget_html = None
    options = []
    if kind in {"radios", "checkboxes"}:
        for sub in field.subwidgets:
            options.append(sub)
    elif kind == "select":
        widget_html = render_select(field, attrs) or field.as_widget(attrs=attrs)
    else:
        widget_html = field.as_widget(attrs=attrs)
    return {
        "field": field,
        "kind": kind,
        "widget_html": widget_html,
        "options": options,
        "label_size": label_size,
        "is_page_heading": is_page_heading,
        "described": " ".join(described),
    }


@register.inclusion_tag("govuk/error_summary.html")
def govuk_error_summary(*forms_):
    errors = []
    for form in forms_:
        if form is None or not form.errors:
            continue
        for name, errs in form.errors.items():
            if name == "__all__":
                errors.extend({"text": e, "href": ""} for e in errs)
                continue
            bound = form[name] if name in form.fields else None
            anchor = bound.auto_id if bound is not None else ""
            if bound is not None and _widget_kind(bound) in {"radios", "checkboxes"}:
                anchor = f"{bound.auto_id}_0"
            errors.extend({"text": e, "href": f"#{anchor}" if anchor else ""} for e in errs)
    return {"errors": errors}


@register.simple_tag
def govuk_tag(text, colour=""):
    cls = f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"
    return format_html('<strong class="{}">{}</strong>', cls, text)


@register.filter
def initials(name: str) -> str:
    parts = [p for p in str(name).split() if p]
    # Escaped: a name comes from the directory and may start with any character.
    return escape("".join(p[0].upper() for p in parts[:2]))
