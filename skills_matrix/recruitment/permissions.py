"""Who may do what with recruitment tests: HR only. Applicants have no account; their link is checked
in applicant_views and nowhere else."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from people import roles

REFUSAL = "Recruitment tests are only available to HR."


def can_manage_recruitment(user) -> bool:
    return roles.has_role(user, roles.HR)


def hr_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_manage_recruitment(request.user):
            raise PermissionDenied(REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


class IsHR(BasePermission):
    message = REFUSAL

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and can_manage_recruitment(request.user))
