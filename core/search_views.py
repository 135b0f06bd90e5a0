from django.shortcuts import render

from .search import MAX_QUERY_LENGTH, search_providers, site_search


def results(request):
    query = " ".join(request.GET.get("q", "").split())
    kind = request.GET.get("kind", "")
    providers = search_providers()
    if kind not in {p.kind for p in providers}:
        kind = ""
    error = ""
    if len(query) > MAX_QUERY_LENGTH:
        error = f"Search for {MAX_QUERY_LENGTH} characters or fewer."
        groups = []
    else:
        groups = site_search(request.user, query, limit=10 if not kind else 30, kinds=[kind] if kind else None)
    return render(
        request,
        "search/results.html",
        {
            "query": query,
            "kind": kind,
            "groups": groups,
            "providers": providers,
            "total": sum(len(g.results) for g in groups),
            "error": error,
        },
    )
