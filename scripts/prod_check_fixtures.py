"""Fixtures for `make prod-check`, on a database `seed_demo` has just filled: prints one JSON object.

    python scripts/prod_check_fixtures.py setup            # a 10-place session, 30 learners with API tokens
    python scripts/prod_check_fixtures.py bookings ID      # what the database holds for session ID

Runs wherever manage.py runs (the virtualenv, or `docker compose exec web`). It refuses a database
without the demo council's accounts, so it cannot hand out tokens on a real one.
"""

import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from people.models import Employee  # noqa: E402
from training import services as training  # noqa: E402
from training.models import Booking, Course  # noqa: E402

LEARNERS = 30
PLACES = 10


def setup() -> dict:
    User = get_user_model()
    try:
        hr, employee = User.objects.get(username="hr"), User.objects.get(username="employee")
    except User.DoesNotExist:
        sys.exit("This is not a seeded demo database (no 'hr' and 'employee' accounts); refusing.")
    course = training.course_save(actor=hr, course=Course(
        code="prod-check-booking", title="Production check: booking rush", kind=Course.Kind.CLASSROOM,
        summary="Thirty people booking ten places at once.", requires_approval=False,
    ))
    # 03:00 on a day a few months out: nobody in the demo council has anything else booked then.
    starts = (timezone.localtime() + dt.timedelta(days=97)).replace(hour=3, minute=0, second=0, microsecond=0)
    session = training.session_create(actor=hr, course=course, starts_at=starts,
                                      ends_at=starts + dt.timedelta(hours=1), capacity=PLACES, venue="Room 1")
    people = list(Employee.objects.filter(is_active=True, user__is_active=True)
                  .exclude(user__username__in=["hr", "employee"]).select_related("user").order_by("pk")[:LEARNERS])
    tokens = [Token.objects.get_or_create(user=p.user)[0].key for p in people]
    me = Employee.objects.select_related("line_manager__user").get(user=employee)
    return {
        "session": session.pk, "places": PLACES, "tokens": tokens,
        "employee": employee.username, "approver": me.line_manager.user.username, "hr": hr.username,
    }


def bookings(session_id: int) -> dict:
    rows = Booking.objects.filter(session_id=session_id).values("status").annotate(n=Count("id"))
    return {"by_status": {r["status"]: r["n"] for r in rows},
            "people": Booking.objects.filter(session_id=session_id).values("employee").distinct().count()}


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        print(json.dumps(setup()))
    elif command == "bookings" and len(sys.argv) == 3:
        print(json.dumps(bookings(int(sys.argv[2]))))
    else:
        sys.exit(__doc__)
