"""News: articles and announcements, targeted at parts of the organisation, with reactions and
moderated comments. Who may publish where lives in `EditorScope`; who may read what is decided by
`news.selectors.articles_visible_to` (untargeted news reaches everyone)."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Article(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        ANNOUNCEMENT = "announcement", "Announcement"

    class Category(models.TextChoices):
        COUNCIL_NEWS = "council-news", "Council news"
        BEST_PRACTICE = "best-practice", "Best-practice story"
        DIGITAL_SKILLS = "digital-skills", "Digital skills"
        SERVICE_UPDATE = "service-update", "Service update"
        PEOPLE = "people", "People and wellbeing"
        EVENTS = "events", "Events"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ARTICLE)
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.COUNCIL_NEWS)
    summary = models.CharField(max_length=300, help_text="One or two sentences shown in lists and feeds.")
    body = models.TextField(help_text="Markdown. Unsafe HTML is removed when the article is saved.")
    # The sanitised HTML, rendered once on save so reading an article never runs Markdown.
    body_html = models.TextField(editable=False, blank=True)
    image = models.ImageField(upload_to="news/", blank=True)
    image_alt = models.CharField(
        max_length=250, blank=True, help_text="Describe the image for people who cannot see it."
    )
    target_units = models.ManyToManyField(
        "people.OrgUnit", blank=True, related_name="+",
        help_text="Leave empty for everyone. A portfolio reaches its departments and teams.",
    )
    publish_at = models.DateTimeField(null=True, blank=True, db_index=True, help_text="Empty = draft.")
    unpublish_at = models.DateTimeField(null=True, blank=True)
    is_pinned = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="news_articles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_pinned", "-publish_at", "-id"]
        indexes = [models.Index(fields=["publish_at", "unpublish_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unpublish_at__isnull=True)
                | models.Q(publish_at__isnull=True)
                | models.Q(unpublish_at__gt=models.F("publish_at")),
                name="news_unpublish_after_publish",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Enter alt text describing the image."})
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            raise ValidationError({"unpublish_at": "The unpublish date must be after the publish date."})

    def save(self, *args, **kwargs):
        from .rendering import render_body

        self.body_html = render_body(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields and "body_html" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "body_html"]
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return bool(self.publish_at and self.publish_at <= now and (not self.unpublish_at or self.unpublish_at > now))

    @property
    def status(self) -> str:
        now = timezone.now()
        if not self.publish_at:
            return "Draft"
        if self.publish_at > now:
            return "Scheduled"
        if self.unpublish_at and self.unpublish_at <= now:
            return "Unpublished"
        return "Published"


class EditorScope(models.Model):
    """A news editor may publish to this unit and everything beneath it. An editor with a scope on
    the council (root) unit may also publish news for everyone."""

    editor = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="news_scopes")
    unit = models.ForeignKey("people.OrgUnit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["editor", "unit"], name="news_editor_scope_unique")]

    def __str__(self):
        return f"{self.editor} → {self.unit}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", "Like"
        HELPFUL = "helpful", "Helpful"
        CELEBRATE = "celebrate", "Celebrate"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reactions")
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "employee", "kind"], name="news_reaction_once_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article_id}"


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    is_hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment by {self.author} on {self.article}"


class ArticleRead(models.Model):
    """First time each member of staff opened an article: the basis of the "news reach" figure."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reads")
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "employee"], name="news_read_once")]

    def __str__(self):
        return f"Read of {self.article_id} by {self.employee_id}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """A private feed address per member of staff: feed readers cannot sign in, so the secret in the
    address stands in for the session. It only ever shows news the owner may read, and can be reset."""

    employee = models.OneToOneField("people.Employee", on_delete=models.CASCADE, related_name="news_feed_token")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"News feed address of {self.employee_id}"
