"""The people `make loadtest` works as, and their sessions, prepared inside the server's environment
(scripts/loadtest.py runs `manage.py shell -c` with the production settings of the stack it started;
this module needs Django set up, unlike loadtest_plan).

A council is many people, not one account per role: each role of loadtest_plan.MIXED has a pool of
distinct accounts chosen from the seeded council (POOLS), spread over it rather than the first of a
unit; the named demo account of the role comes first. Each account gets a signed-in session made
directly in the session store (no password is hashed: a local sign-in is a PBKDF2 check of 0.25 s
of CPU, which would otherwise be measured as the working day). Signing in itself is measured on
its own, by the arrival phase, through the real form.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db.models import Exists, OuterRef
from django.utils.module_loading import import_string

from people import roles
from people.models import Employee, OrgUnit

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _active():
    return get_user_model().objects.filter(is_active=True, employee__is_active=True)


def _spread(queryset, n: int, first: str, before=()) -> list:
    """Up to n users of the query: `before` (in order) and the named demo account `first` lead, then
    users evenly spaced over the rest by primary key (the seed creates a unit's people together)."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True).distinct())
    known = set(ids)
    chosen = [pk for pk in before if pk in known]
    named = queryset.filter(username=first).values_list("pk", flat=True).first()
    if named is not None and named not in chosen:
        chosen.insert(0, named)
    taken = set(chosen)
    rest = [pk for pk in ids if pk not in taken]
    if len(chosen) < n and rest:
        step = max(1, len(rest) // (n - len(chosen)))
        chosen += rest[::step][: n - len(chosen)]
    users = get_user_model().objects.in_bulk(chosen[:n])
    return [users[pk] for pk in chosen[:n]]


def employees(n: int, **_) -> list:
    """Ordinary staff: active, with a line manager (their leave goes to someone), no reports of their
    own and no role beyond Employee."""
    others = [r for r in roles.ALL_ROLES if r != roles.EMPLOYEE]
    reports = Employee.objects.filter(line_manager=OuterRef("employee__pk"), is_active=True)
    staff = (_active().filter(employee__line_manager__isnull=False)
             .exclude(groups__name__in=others).exclude(is_superuser=True).exclude(Exists(reports)))
    return _spread(staff, n, "employee")


def managers(n: int, pooled_employees=(), **_) -> list:
    """Active staff with at least one active direct report; the line managers of the pooled
    employees first, so what those employees submit waits in a queue someone of the pool opens."""
    reports = Employee.objects.filter(line_manager=OuterRef("employee__pk"), is_active=True)
    theirs = [e.line_manager.user_id for e in Employee.objects.filter(user__in=pooled_employees)
              .select_related("line_manager").order_by("user_id") if e.line_manager and e.line_manager.user_id]
    return _spread(_active().filter(Exists(reports)), n, "manager", before=list(dict.fromkeys(theirs)))


def hr(n: int, **_) -> list:
    """Members of the HR role (the group seed_demo gives the HR department's staff)."""
    return _spread(_active().filter(groups__name=roles.HR), n, "hr")


def directors(n: int, **_) -> list:
    """Who may view the adoption reporting as a reader of their own portfolio: portfolio leads
    heading a unit (reporting.permissions.can_view_reporting, leaving out HR and admins, who are
    other roles)."""
    heads = OrgUnit.objects.filter(head__user=OuterRef("pk"))
    return _spread(_active().filter(groups__name=roles.PORTFOLIO_LEAD).filter(Exists(heads)), n, "director")


POOLS = {"employee": employees, "manager": managers, "hr": hr, "director": directors}


def session_for(user) -> str:
    """A signed-in session in settings.SESSION_ENGINE's store, as django.contrib.auth.login leaves
    one (user id, backend, session auth hash), without checking a password."""
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def prepare(n: int, wanted=None) -> dict:
    """{cookie, accounts: {role: [username]}, sessions: {role: [session key]}} for up to n distinct
    accounts per role (fewer where the council has fewer such people)."""
    accounts = {}
    for role in wanted or POOLS:
        accounts[role] = POOLS[role](n, pooled_employees=accounts.get("employee", ()))
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "accounts": {role: [u.username for u in users] for role, users in accounts.items()},
        "sessions": {role: [session_for(u) for u in users] for role, users in accounts.items()},
    }


def forget(keys) -> int:
    """Signs the prepared sessions out again (a reused database does not gather them run after run)."""
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    for key in keys:
        store(key).delete()
    return len(keys)


def main(n: int, wanted=None) -> None:
    print(json.dumps(prepare(n, wanted)))
