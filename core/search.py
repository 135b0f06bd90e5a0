"""Site search: one box across people, news, courses and help pages, results grouped by kind.

Apps contribute a provider in their AppConfig.ready() with
`register_search_provider(kind, label, fn, order=...)`, where `fn(user, query, limit) -> list[SearchResult]`
returns only what that user may see. Providers use PostgreSQL full-text search where it helps
(SearchVector / SearchQuery / SearchRank work without django.contrib.postgres installed) and fall
back to icontains on SQLite (`connection.vendor`), so the demo database still searches.

Help pages are short static guides; apps register them with `register_help_page(...)`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.urls import NoReverseMatch, reverse

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    summary: str = ""
    meta: str = ""


@dataclass(frozen=True)
class SearchProvider:
    kind: str
    label: str
    fn: Callable
    order: int = 100


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    label: str
    results: list = field(default_factory=list)


_providers: dict[str, SearchProvider] = {}


def register_search_provider(kind: str, label: str, fn: Callable, order: int = 100) -> None:
    _providers[kind] = SearchProvider(kind, label, fn, order)


def search_providers() -> list[SearchProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.kind))


def site_search(user, query: str, *, limit: int = 10, kinds: list[str] | None = None) -> list[SearchGroup]:
    """Every provider's results for `query`, one group per kind (empty groups kept so the page can
    say "no people found"). A failing provider is logged and shows as empty rather than breaking
    the whole page."""
    query = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    if not query:
        return []
    groups = []
    for p in search_providers():
        if kinds and p.kind not in kinds:
            continue
        try:
            results = list(p.fn(user, query, limit) or [])
        except Exception:  # noqa: BLE001 - one app's search must not take the page down
            log.exception("search provider %s failed", p.kind)
            results = []
        groups.append(SearchGroup(p.kind, p.label, results))
    return groups


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- help pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpPage:
    title: str
    url_name: str
    summary: str
    keywords: str = ""
    visible: Callable = field(default=lambda user: True)


_help_pages: list[HelpPage] = []


def register_help_page(title: str, url_name: str, summary: str, keywords: str = "", visible=None) -> None:
    """`visible(user)` hides guides to pages the reader cannot open (default: everyone)."""
    if all(h.title != title for h in _help_pages):
        _help_pages.append(HelpPage(title, url_name, summary, keywords, visible or (lambda user: True)))


def help_results(user, query: str, limit: int) -> list[SearchResult]:
    words = query.lower().split()
    out = []
    for h in _help_pages:
        text = f"{h.title} {h.summary} {h.keywords}".lower()
        if all(w in text for w in words) and h.visible(user):
            try:
                url = reverse(h.url_name)
            except NoReverseMatch:
                continue
            out.append(SearchResult(title=h.title, url=url, summary=h.summary, meta="Help"))
    return out[:limit]
