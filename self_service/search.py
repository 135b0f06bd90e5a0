"""Site search provider: requests the user may see, by reference (SS-000123), type or summary."""

import re

from django.db.models import Q
from django.urls import reverse

from core.search import SearchResult
from people.models import search_fold

from . import selectors


def request_results(user, query: str, limit: int) -> list[SearchResult]:
    qs = selectors.requests_visible_to(user)
    ref = re.fullmatch(r"(?:ss-?)?0*(\d{1,9})", query.strip().lower())
    if ref:
        qs = qs.filter(pk=int(ref.group(1)))
    else:
        for word in query.lower().split()[:4]:
            qs = qs.filter(Q(type__name__icontains=word) | Q(summary__icontains=word)
                           | Q(employee__search_text__contains=search_fold(word)))
    return [
        SearchResult(title=f"{r.type.name} {r.reference}", url=reverse("self_service:detail", args=[r.pk]),
                     summary=r.summary, meta=f"{r.employee.display_name} · {r.get_status_display()}")
        for r in qs[:limit]
    ]
