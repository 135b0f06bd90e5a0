"""Markdown to safe HTML. Editors write Markdown (raw HTML is allowed by Markdown itself), so the
output is always passed through nh3 with an allow-list: scripts, event handlers, styles, iframes and
javascript: links never reach a reader's browser."""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "img", "li", "ol",
    "p", "pre", "strong", "table", "thead", "tbody", "tr", "th", "td", "caption", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"scope"},
    "abbr": {"title"},
}


def render_body(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
