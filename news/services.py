"""Writes for news. Each is atomic, checks permission itself (so views and API cannot forget) and
records publishing and moderation in the audit trail."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.errors import DomainError
from people.audit import audit_record
from people.models import AuditEntry
from people.selectors import employee_for

from . import permissions
from .models import Article, ArticleRead, Comment, FeedToken, Reaction

ARTICLE_FIELDS = (
    "title", "kind", "category", "summary", "body", "image", "image_alt", "publish_at", "unpublish_at", "is_pinned",
)


def _unique_slug(title: str, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "article"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check(article: Article, targets: list) -> None:
    if article.image and not (article.image_alt or "").strip():
        raise DomainError("Enter alt text describing the image.", field="image_alt")
    if article.publish_at and article.unpublish_at and article.unpublish_at <= article.publish_at:
        raise DomainError("The unpublish date must be after the publish date.", field="unpublish_at")


@transaction.atomic
def article_save(*, actor, article: Article | None = None, targets: list, **fields) -> Article:
    """Create (article=None) or update an article. The actor must be allowed to target every unit,
    both the article's current targets (on update) and the new ones."""
    if article is not None and not permissions.can_edit_article(actor, article):
        raise DomainError("You cannot edit news for this part of the council.", status_code=403)
    if not permissions.can_target(actor, targets):
        raise DomainError(
            "You can only publish to the parts of the council you edit news for."
            if targets else "Only editors for the whole council can publish news for everyone.",
            field="target_units",
        )
    creating = article is None
    if creating:
        article = Article(author=actor)
    before = {f: str(getattr(article, f)) for f in ("title", "publish_at", "unpublish_at", "is_pinned")}
    for name, value in fields.items():
        if name not in ARTICLE_FIELDS:
            raise TypeError(f"unknown article field {name}")
        setattr(article, name, value)
    _check(article, targets)
    if creating or not article.slug:
        article.slug = _unique_slug(article.title, exclude_pk=article.pk)
    article.save()
    article.target_units.set(targets)
    after = {f: str(getattr(article, f)) for f in ("title", "publish_at", "unpublish_at", "is_pinned")}
    audit_record(
        actor=actor,
        action="news.article_created" if creating else "news.article_updated",
        target=article,
        changes={k: [before[k], after[k]] for k in after if creating or before[k] != after[k]},
    )
    return article


@transaction.atomic
def article_unpublish(*, actor, article: Article) -> Article:
    if not permissions.can_edit_article(actor, article):
        raise DomainError("You cannot edit news for this part of the council.", status_code=403)
    article.unpublish_at = timezone.now()
    if article.publish_at and article.publish_at >= article.unpublish_at:
        article.publish_at = None  # never went live: back to draft
    article.save(update_fields=["unpublish_at", "publish_at", "updated_at"])
    audit_record(actor=actor, action="news.article_unpublished", target=article)
    return article


def _reader(actor, article: Article):
    from .selectors import article_for_reader

    me = employee_for(actor)
    if me is None or article_for_reader(actor, article.slug) is None:
        raise DomainError("This article is not available to you.", status_code=404)
    return me


@transaction.atomic
def comment_add(*, actor, article: Article, body: str) -> Comment:
    me = _reader(actor, article)
    body = (body or "").strip()
    if not body:
        raise DomainError("Enter a comment.", field="body")
    if len(body) > 2000:
        raise DomainError("Comments must be 2,000 characters or fewer.", field="body")
    return Comment.objects.create(article=article, author=me, body=body)


@transaction.atomic
def comment_hide(*, actor, comment: Comment, reason: str = "") -> Comment:
    if not permissions.can_moderate(actor, comment.article):
        raise DomainError("Only news editors for this article can hide comments.", status_code=403)
    if comment.is_hidden:
        return comment
    comment.is_hidden = True
    comment.hidden_by = actor
    comment.hidden_at = timezone.now()
    comment.hidden_reason = reason[:200]
    comment.save(update_fields=["is_hidden", "hidden_by", "hidden_at", "hidden_reason"])
    audit_record(
        actor=actor, action="news.comment_hidden", target=comment, subject=comment.author,
        channel=AuditEntry.Channel.ONLINE, note=reason[:200],
    )
    return comment


@transaction.atomic
def comment_restore(*, actor, comment: Comment) -> Comment:
    if not permissions.can_moderate(actor, comment.article):
        raise DomainError("Only news editors for this article can restore comments.", status_code=403)
    comment.is_hidden = False
    comment.save(update_fields=["is_hidden"])
    audit_record(actor=actor, action="news.comment_restored", target=comment, subject=comment.author)
    return comment


@transaction.atomic
def reaction_toggle(*, actor, article: Article, kind: str) -> bool:
    """Add the reaction, or take it back if already given. Returns True when it is now on."""
    if kind not in Reaction.Kind.values:
        raise DomainError("Choose a reaction.", field="kind")
    me = _reader(actor, article)
    deleted, _ = Reaction.objects.filter(article=article, employee=me, kind=kind).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(article=article, employee=me, kind=kind)
    except IntegrityError:  # a double click raced us; the reaction is there either way
        pass
    return True


def article_record_read(*, employee, article: Article) -> None:
    """Idempotent; a unique constraint makes concurrent first reads safe."""
    if employee is None:
        return
    ArticleRead.objects.bulk_create(
        [ArticleRead(article=article, employee=employee)], ignore_conflicts=True
    )


def feed_token_for(*, employee) -> FeedToken:
    token, _ = FeedToken.objects.get_or_create(employee=employee)
    return token


@transaction.atomic
def feed_token_reset(*, employee) -> FeedToken:
    FeedToken.objects.filter(employee=employee).delete()
    return FeedToken.objects.create(employee=employee)
