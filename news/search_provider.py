from django.urls import reverse

from core.search import SearchResult

from .selectors import search_articles


def news_results(user, query: str, limit: int) -> list[SearchResult]:
    return [
        SearchResult(
            title=a.title,
            url=reverse("news:detail", args=[a.slug]),
            summary=a.summary,
            meta=f"{a.get_category_display()} · {a.publish_at:%-d %B %Y}",
        )
        for a in search_articles(user, query, limit=limit)
    ]
