"""Top navigation registry: apps add their entries in AppConfig.ready(), so the base template does not
need to know which apps are installed. `visible(user)` decides who sees an entry (deny by default
is enforced by the views themselves; this only keeps menus tidy)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    visible: Callable = field(default=lambda user: True)
    prefix: str = ""  # path prefix that marks the item active


_items: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if all(i.url_name != item.url_name for i in _items):
        _items.append(item)


def nav_for(request) -> list[dict]:
    out = []
    for item in sorted(_items, key=lambda i: i.order):
        if not item.visible(request.user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        prefix = item.prefix or url
        active = request.path == url if prefix == "/" else request.path.startswith(prefix)
        out.append({"label": item.label, "url": url, "active": active})
    return out
