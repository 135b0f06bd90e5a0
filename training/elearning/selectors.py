"""Reads for e-learning played in the intranet, scoped to who asks."""

from django.db.models import Q, QuerySet

from people.selectors import employee_for, reports_of

from ..models import Course, ElearningAttempt, ElearningPackage
from ..permissions import is_learning_staff


def packages_of(course: Course) -> QuerySet:
    return ElearningPackage.objects.filter(course=course).select_related("uploaded_by").order_by("-version")


def current_package(course: Course) -> ElearningPackage | None:
    return ElearningPackage.objects.filter(course=course, is_current=True).first()


def attempts_of_user(user) -> QuerySet:
    """The signed-in learner's own attempts (what the player, the content and commits may touch)."""
    if not getattr(user, "is_authenticated", False):
        return ElearningAttempt.objects.none()
    return ElearningAttempt.objects.filter(employee__user=user).select_related("package", "course", "employee")


def attempts_visible_to(user, *, course: Course | None = None) -> QuerySet:
    """Attempts a user may see: their own, their reports' (down the line), and everyone's for learning
    staff, by the same rule as the learning record (permissions.can_view_learning)."""
    qs = ElearningAttempt.objects.select_related("employee", "package", "course")
    if course is not None:
        qs = qs.filter(course=course)
    if is_learning_staff(user):
        return qs
    me = employee_for(user)
    if me is None:
        return qs.none()
    return qs.filter(Q(employee=me) | Q(employee__in=reports_of(me, indirect=True, include_inactive=True)))


def course_context(user, course: Course, me) -> dict:
    """What the course page shows of its e-learning: the current package, the learner's attempt in
    progress (resume) and the attempts the viewer may see (their own; their reports'; learning staff
    everyone's), newest first. A fixed number of queries whatever the number of attempts."""
    package = current_package(course)
    mine = None
    if me is not None:
        mine = ElearningAttempt.objects.filter(employee=me, course=course, finished_at__isnull=True).first()
    attempts = list(attempts_visible_to(user, course=course)[:50]) if package or mine else []
    return {"elearning_package": package, "elearning_attempt": mine, "elearning_attempts": attempts}
