"""Who may publish and moderate news. Used by views, API and services alike."""

from django.db.models import QuerySet

from people import roles
from people.models import OrgUnit
from people.selectors import employee_for, units_within

from .models import Article, EditorScope


def is_news_editor(user) -> bool:
    return roles.has_role(user, roles.NEWS_EDITOR, roles.INTRANET_ADMIN)


def editable_units(user) -> QuerySet[OrgUnit]:
    """Units a user may target: admins everything; news editors their scopes and what lies beneath."""
    if roles.has_role(user, roles.INTRANET_ADMIN):
        return OrgUnit.objects.all()
    if not roles.has_role(user, roles.NEWS_EDITOR):
        return OrgUnit.objects.none()
    me = employee_for(user)
    if me is None:
        return OrgUnit.objects.none()
    scopes = list(OrgUnit.objects.filter(pk__in=EditorScope.objects.filter(editor=me).values("unit")))
    return units_within(scopes)


def can_publish_to_everyone(user) -> bool:
    if roles.has_role(user, roles.INTRANET_ADMIN):
        return True
    return editable_units(user).filter(parent__isnull=True).exists()


def can_target(user, units) -> bool:
    units = list(units)
    if not is_news_editor(user):
        return False
    if not units:
        return can_publish_to_everyone(user)
    allowed = set(editable_units(user).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    return all(u.pk in allowed for u in units)


def can_edit_article(user, article: Article) -> bool:
    return can_target(user, article.target_units.all())


def can_moderate(user, article: Article) -> bool:
    """News editors hide comments on articles they could edit; admins anywhere."""
    return can_edit_article(user, article)
