"""Capacity under real concurrency: parallel threads, each with its own PostgreSQL connection."""

import threading

import pytest
from django.db import connection

from core.errors import DomainError
from people import roles
from tests.factories import EmployeeFactory, UserFactory
from training import services
from training.models import Booking

from .conftest import make_course, make_session

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def _run_parallel(jobs):
    """Start every job at once (a barrier) on its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait()
            outcomes[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each request got
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_bookings_never_exceed_five_places():
    course = make_course("parallel")
    session = make_session(course, capacity=5)
    learners = [EmployeeFactory(user=UserFactory(username=f"learner{i}", roles=[roles.EMPLOYEE])) for i in range(20)]

    def booking_for(emp):
        return lambda: services.booking_create(actor=emp.user, session=session, employee=emp).status

    outcomes = _run_parallel([booking_for(e) for e in learners])

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert outcomes.count(Booking.Status.CONFIRMED) == 5
    assert outcomes.count(Booking.Status.WAITLISTED) == 15
    assert session.bookings.filter(status=Booking.Status.CONFIRMED).count() == 5
    # The waiting list has a strict order for promotion.
    queue = list(session.bookings.filter(status=Booking.Status.WAITLISTED).order_by("queued_at", "id"))
    assert len({(b.queued_at, b.id) for b in queue}) == 15


@pytest.mark.django_db(transaction=True)
def test_same_person_booking_twice_in_parallel_gets_one_place():
    course = make_course("parallel-twice")
    session = make_session(course, capacity=5)
    emp = EmployeeFactory(user=UserFactory(username="eager", roles=[roles.EMPLOYEE]))

    def attempt():
        return services.booking_create(actor=emp.user, session=session, employee=emp).status

    outcomes = _run_parallel([attempt] * 6)

    assert outcomes.count(Booking.Status.CONFIRMED) == 1
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 5 and all("already booked" in str(o) for o in refused)
    assert session.bookings.count() == 1
