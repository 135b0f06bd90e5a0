"""Who may do what with people and the org tree. Views, the API and services ask here."""

from . import roles


def can_manage_org_units(user) -> bool:
    """HR places and renames units (including those directory sync left in a holding unit);
    intranet admins may too. Everyone else only reads the tree."""
    return roles.has_role(user, roles.HR, roles.INTRANET_ADMIN)
