"""The booking state machine, in one place: a `core.states.TransitionTable` built from the graph of
which statuses may follow which. Services call `booking_transition_check` before any change."""

from core.states import TransitionTable

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

# Each action is named after the status it leads to: BOOKING.check(booking.status, S.CANCELLED).
BOOKING = TransitionTable.from_graph(
    BOOKING_TRANSITIONS, noun="booking", describe=lambda status: S(status).label.lower()
)


def booking_transition_check(booking: Booking, to: str) -> None:
    """Raise IllegalTransition (with a sentence a person can act on) unless `booking` may become `to`."""
    BOOKING.check(booking.status, to)
