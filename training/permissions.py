"""Who may do what in training. Views, the API and services all ask here."""

from people import roles
from people.models import Employee
from people.selectors import can_view_record, employee_for, manages

from .models import Booking, Completion, Session

LEARNING_STAFF = (roles.HR, roles.LEARNING_ADMIN, roles.INTRANET_ADMIN)


def is_learning_staff(user) -> bool:
    return roles.has_role(user, *LEARNING_STAFF)


def can_manage_catalogue(user) -> bool:
    return is_learning_staff(user)


def can_act_for(user, employee: Employee) -> bool:
    """Assign, approve and see the learning record of `employee`: their managers and learning staff."""
    return is_learning_staff(user) or manages(employee_for(user), employee)


def can_view_learning(user, employee: Employee) -> bool:
    """Their own record and their managers' (people's rule), plus learning staff, who see everyone's."""
    return is_learning_staff(user) or can_view_record(user, employee)


def can_approve_booking(user, booking: Booking) -> bool:
    return can_act_for(user, booking.employee)


def can_cancel_booking(user, booking: Booking) -> bool:
    return can_view_learning(user, booking.employee)


def can_take_register(user, session: Session) -> bool:
    me = employee_for(user)
    return is_learning_staff(user) or (me is not None and session.host_id == me.pk)


def can_view_certificate(user, completion: Completion) -> bool:
    return can_view_learning(user, completion.employee)


def is_champion(user) -> bool:
    me = employee_for(user)
    return me is not None and hasattr(me, "champion_profile") and me.champion_profile.is_active
