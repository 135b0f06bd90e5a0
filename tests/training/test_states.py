"""The booking state machine is one core.states.TransitionTable; its rules read back as the graph."""

import pytest

from core.errors import IllegalTransition
from core.states import TransitionTable
from training.models import Booking
from training.states import BOOKING, BOOKING_TRANSITIONS, booking_transition_check

S = Booking.Status


def test_booking_table_is_the_core_helper_and_reads_back_as_the_graph():
    assert isinstance(BOOKING, TransitionTable)
    assert BOOKING.graph == {state: frozenset(tos) for state, tos in BOOKING_TRANSITIONS.items()}
    assert BOOKING.check(S.PENDING, S.REJECTED) == S.REJECTED
    assert sorted(BOOKING.actions_from(S.CONFIRMED)) == sorted([S.CANCELLED, S.ATTENDED, S.NO_SHOW])
    assert not BOOKING.can(S.ATTENDED, S.NO_SHOW)  # an attendance, once recorded, is final


def test_an_illegal_move_says_where_the_booking_stands():
    booking = Booking(status=S.CANCELLED)
    with pytest.raises(IllegalTransition, match="This booking is “cancelled” and cannot become “place confirmed”."):
        booking_transition_check(booking, S.CONFIRMED)
