"""The catalogue: courses and the e-learning hosts (xAPI content providers) that report on them."""

import secrets

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction

from people.audit import audit_record

from .. import permissions
from ..models import ContentProvider, Course, CourseSkill


@transaction.atomic
def course_save(*, actor, course: Course, skill_levels: list[tuple] | None = None) -> Course:
    """Create or change a course and (when given) replace its skill mapping [(skill, level), ...]."""
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators manage the catalogue.")
    created = course.pk is None
    course.full_clean(exclude=["prerequisites"])
    course.save()
    if skill_levels is not None:
        course.skill_links.all().delete()
        CourseSkill.objects.bulk_create(
            [CourseSkill(course=course, skill=skill, level=int(level)) for skill, level in skill_levels]
        )
    audit_record(actor=actor, action="course.created" if created else "course.updated", target=course)
    return course



@transaction.atomic
def content_provider_issue_key(*, actor, name: str, key_id: str) -> tuple[ContentProvider, str]:
    """Register an e-learning host; returns the provider and its secret, which is shown only once."""
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators register content providers.")
    secret = secrets.token_urlsafe(32)
    provider = ContentProvider.objects.create(name=name, key_id=key_id, key_hash=make_password(secret))
    audit_record(actor=actor, action="content_provider.key_issued", target=provider)
    return provider, secret

