"""Who may see which portfolio's adoption figures. HR and intranet admins: the whole council.
Portfolio leads: the units they head (people.selectors.led_units) and everything beneath them."""

from django.db.models import QuerySet

from people import roles
from people.models import OrgUnit
from people.selectors import led_units, units_within


def sees_everything(user) -> bool:
    return roles.has_role(user, roles.HR, roles.INTRANET_ADMIN)


def can_refresh_figures(user) -> bool:
    """Who may ask for the prepared figures to be worked out again now: HR and intranet admins."""
    return user.is_authenticated and sees_everything(user)


def can_view_reporting(user) -> bool:
    if sees_everything(user):
        return True
    return roles.has_role(user, roles.PORTFOLIO_LEAD) and led_units(user).exists()


def units_visible_to(user) -> QuerySet[OrgUnit]:
    if sees_everything(user):
        return OrgUnit.objects.all()
    if not roles.has_role(user, roles.PORTFOLIO_LEAD):
        return OrgUnit.objects.none()
    return units_within(list(led_units(user)))


def can_view_unit(user, unit: OrgUnit) -> bool:
    return units_visible_to(user).filter(pk=unit.pk).exists()
