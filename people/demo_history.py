"""Demo: a year of sign-ins, so "active intranet users" and its trend show how a council takes up
an intranet (a quarter of staff in the first month, most of them a year later) rather than one
month of data. Registered with core.demo by PeopleConfig; deterministic (the rng given) and one
bulk insert."""

import datetime as dt

from django.utils import timezone

from .models import Employee, SignIn

MONTHS = 12
FIRST_SHARE, LAST_SHARE = 0.24, 0.78  # staff signing in during the first and the latest month


def month_starts(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The first day of each of the last `months` months, oldest first, this month last."""
    starts, day = [], today.replace(day=1)
    for _ in range(months):
        starts.append(day)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def adoption_share(index: int, months: int = MONTHS) -> float:
    """Share of staff active in month `index` (0 = oldest): a rise that slows as it goes."""
    x = index / max(months - 1, 1)
    return FIRST_SHARE + (LAST_SHARE - FIRST_SHARE) * (1 - (1 - x) ** 1.6)


def sign_in_times(*, rng, user_ids: list[int], today: dt.date, tz) -> list[tuple[int, dt.datetime]]:
    """(user id, when) for a year of sign-ins. Each person adopts the intranet at some point and
    mostly keeps using it; in each month they use it they sign in once or twice, in working
    hours of days up to today."""
    out = []
    starts = month_starts(today)
    for user_id in user_ids:
        keen = rng.random()  # lower = took it up earlier
        for i, start in enumerate(starts):
            if keen >= adoption_share(i) or rng.random() < 0.07:  # not yet, or a quiet month
                continue
            last_day = today.day if start == starts[-1] else ((start + dt.timedelta(days=32)).replace(day=1)
                                                               - dt.timedelta(days=1)).day
            for _ in range(rng.randint(1, 2)):
                day = start.replace(day=rng.randint(1, last_day))
                at = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz)
                out.append((user_id, at))
    return out


def seed_sign_ins(*, rng, staff_count: int, stdout) -> None:
    user_ids = list(Employee.objects.filter(is_active=True, user__isnull=False).order_by("user_id")
                    .values_list("user_id", flat=True))
    now = timezone.now()
    rows = [SignIn(user_id=u, at=min(at, now)) for u, at in
            sign_in_times(rng=rng, user_ids=user_ids, today=timezone.localdate(), tz=timezone.get_current_timezone())]
    SignIn.objects.bulk_create(rows, batch_size=5000)
    stdout.write(f"  people: {len(rows):,} sign-ins over the last {MONTHS} months\n")
