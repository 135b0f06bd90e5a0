"""Site search provider for courses (registered in TrainingConfig.ready())."""

from django.urls import reverse

from core.search import SearchResult

from .selectors import catalogue


def course_results(user, query: str, limit: int) -> list[SearchResult]:
    return [
        SearchResult(
            title=c.title,
            url=reverse("training:course", args=[c.code]),
            summary=c.summary,
            meta="Course",
        )
        for c in catalogue(query=query)[:limit]
    ]
