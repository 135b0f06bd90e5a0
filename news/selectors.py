"""Reads about news, scoped to the reader. Targeting: an article with no target units reaches
everyone; otherwise it reaches staff whose unit lies within any target (a portfolio's news reaches
its departments and teams: MPTT ranges, so one query however deep the tree)."""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from people.selectors import employee_for

from .models import Article, Comment, Reaction

Targets = Article.target_units.through


def live_articles(now=None) -> QuerySet[Article]:
    now = now or timezone.now()
    return Article.objects.filter(publish_at__isnull=False, publish_at__lte=now).filter(
        Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now)
    )


def targeting_q(employee) -> Q:
    """Q for articles that reach `employee`: untargeted, or targeted at their unit or an ancestor."""
    untargeted = ~Exists(Targets.objects.filter(article=OuterRef("pk")))
    unit = getattr(employee, "org_unit", None)
    if unit is None:
        return Q(untargeted)
    reaches = Exists(
        Targets.objects.filter(
            article=OuterRef("pk"),
            orgunit__tree_id=unit.tree_id,
            orgunit__lft__lte=unit.lft,
            orgunit__rght__gte=unit.rght,
        )
    )
    return Q(untargeted) | Q(reaches)


def articles_visible_to(user, *, category: str = "") -> QuerySet[Article]:
    me = employee_for(user)
    qs = live_articles().filter(targeting_q(me))
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("author").order_by("-is_pinned", "-publish_at", "-id")


def article_for_reader(user, slug: str) -> Article | None:
    return articles_visible_to(user).filter(slug=slug).first()


def latest_for_home(user, limit: int = 4) -> list[Article]:
    return list(articles_visible_to(user)[:limit])


def reaction_counts(article: Article) -> dict[str, int]:
    rows = Reaction.objects.filter(article=article).values("kind").annotate(n=Count("id"))
    counts = dict.fromkeys(Reaction.Kind.values, 0)
    counts.update({r["kind"]: r["n"] for r in rows})
    return counts


def my_reactions(user, article: Article) -> set[str]:
    me = employee_for(user)
    if me is None:
        return set()
    return set(Reaction.objects.filter(article=article, employee=me).values_list("kind", flat=True))


def comments_for(article: Article, *, include_hidden: bool = False) -> QuerySet[Comment]:
    qs = Comment.objects.filter(article=article).select_related("author")
    if not include_hidden:
        qs = qs.filter(is_hidden=False)
    return qs


def articles_editable_by(user) -> QuerySet[Article]:
    """For the editors' list: admins see all; editors the articles whose targets lie in their scopes
    (and untargeted ones only when they may publish to everyone)."""
    from people import roles

    from . import permissions

    qs = Article.objects.select_related("author").prefetch_related("target_units").order_by("-created_at")
    if roles.has_role(user, roles.INTRANET_ADMIN):
        return qs
    if not permissions.is_news_editor(user):
        return qs.none()
    allowed = permissions.editable_units(user)
    outside = Targets.objects.filter(article=OuterRef("pk")).exclude(orgunit__in=allowed)
    qs = qs.filter(~Exists(outside))
    if not permissions.can_publish_to_everyone(user):
        qs = qs.filter(Exists(Targets.objects.filter(article=OuterRef("pk"))))
    return qs


def search_articles(user, query: str, *, limit: int = 20):
    """Full-text on PostgreSQL (weighted title > summary > body, ranked); icontains elsewhere."""
    from django.db import connection

    qs = articles_visible_to(user)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        sq = SearchQuery(query, search_type="websearch", config="english")
        return list(
            qs.annotate(search=vector, rank=SearchRank(vector, sq))
            .filter(search=sq)
            .order_by("-rank", "-publish_at")[:limit]
        )
    words = query.split()[:6]
    for w in words:
        qs = qs.filter(Q(title__icontains=w) | Q(summary__icontains=w) | Q(body__icontains=w))
    return list(qs[:limit])


def readers_count(article: Article) -> int:
    return article.reads.count()


def readers_by_unit(start, end) -> list[dict]:
    """Distinct staff who opened any article in [start, end), counted per org unit (for the news
    reach figure). One grouped query; callers roll units up their subtrees with MPTT ranges."""
    from .models import ArticleRead

    return list(
        ArticleRead.objects.filter(read_at__gte=start, read_at__lt=end, employee__is_active=True)
        .exclude(employee__org_unit__isnull=True)
        .values(tree_id=F("employee__org_unit__tree_id"), lft=F("employee__org_unit__lft"))
        .annotate(readers=Count("employee_id", distinct=True))
        .order_by()
    )
