"""The booking state machine, in one place. Services call `booking_transition_check` before any change."""

from core.errors import IllegalTransition

from .models import Booking

S = Booking.Status

BOOKING_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.CONFIRMED, S.WAITLISTED, S.REJECTED, S.CANCELLED},
    S.WAITLISTED: {S.CONFIRMED, S.CANCELLED},
    S.CONFIRMED: {S.CANCELLED, S.ATTENDED, S.NO_SHOW},
    # A late arrival marked absent can be corrected; an attendance, once recorded, has raised a
    # completion and skills evidence, so it is final.
    S.ATTENDED: set(),
    S.NO_SHOW: {S.ATTENDED},
    S.CANCELLED: set(),
    S.REJECTED: set(),
}


def booking_transition_check(booking: Booking, to: str) -> None:
    if to not in BOOKING_TRANSITIONS[booking.status]:
        raise IllegalTransition(
            f"This booking is “{booking.get_status_display().lower()}” and cannot become "
            f"“{S(to).label.lower()}”."
        )
