"""Roles are Django groups so that IT can see and grant them in the admin and directory sync can map
directory groups onto them. "Line manager" is not a group: it derives from having reports."""

EMPLOYEE = "Employee"
HR = "HR"
PAYROLL = "Payroll"
DIGITAL_CHAMPION = "Digital champion"
PORTFOLIO_LEAD = "Portfolio lead"
INTRANET_ADMIN = "Intranet admin"
LEARNING_ADMIN = "Learning admin"
NEWS_EDITOR = "News editor"

ALL_ROLES = [EMPLOYEE, HR, PAYROLL, DIGITAL_CHAMPION, PORTFOLIO_LEAD, INTRANET_ADMIN, LEARNING_ADMIN, NEWS_EDITOR]


def role_names(user) -> set[str]:
    """Group names of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(INTRANET_ADMIN)
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))
