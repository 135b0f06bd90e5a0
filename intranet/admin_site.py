from people import roles


def restrict_admin(site):
    """The Django admin is for intranet admins only (staff flag alone is not enough)."""

    def has_permission(request):
        user = request.user
        return user.is_active and user.is_staff and roles.has_role(user, roles.INTRANET_ADMIN)

    site.has_permission = has_permission
    site.site_header = "Intranet administration"
    site.site_title = "Intranet administration"
