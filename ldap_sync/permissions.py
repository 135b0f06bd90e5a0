"""Directory sync is IT's tool: only intranet admins see runs or confirm held leavers."""

from rest_framework.permissions import BasePermission

from people import roles


def can_manage_sync(user) -> bool:
    return roles.has_role(user, roles.INTRANET_ADMIN)


class IsIntranetAdmin(BasePermission):
    def has_permission(self, request, view):
        return can_manage_sync(request.user)
