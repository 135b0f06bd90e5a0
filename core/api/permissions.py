from rest_framework.permissions import BasePermission


class DenyAll(BasePermission):
    """The API default: a view that forgets to declare its permissions serves nobody."""

    def has_permission(self, request, view):
        return False
