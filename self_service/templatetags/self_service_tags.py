from django import template
from django.utils.html import format_html

register = template.Library()

COLOURS = {"draft": "grey", "submitted": "blue", "returned": "orange", "approved": "green", "rejected": "red",
           "withdrawn": "grey", "processed": "turquoise"}


@register.simple_tag
def status_tag(req):
    """The status as words in a coloured tag: the words carry the meaning, not the colour."""
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', COLOURS.get(req.status, "grey"),
                       req.get_status_display())


@register.filter
def days(value):
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return f"{text} day" if text == "1" else f"{text} days"
