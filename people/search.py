"""Site search provider for people (registered in PeopleConfig.ready())."""

from django.urls import reverse

from core.search import SearchResult

from .selectors import directory_search


def people_results(user, query: str, limit: int) -> list[SearchResult]:
    qs = directory_search(query=query)[:limit]
    return [
        SearchResult(
            title=e.display_name,
            url=reverse("people:profile", args=[e.pk]),
            summary=e.job_title,
            meta=e.org_unit.name if e.org_unit else "",
        )
        for e in qs
    ]
