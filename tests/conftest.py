"""Shared fixtures: a small council, users per role, API clients.

The org tree:  council > Adults (portfolio) > Social Work (department) > Team A, Team B
               council > Place (portfolio) > Highways (department)
Line management: director -> head -> manager -> (alice, bob); alice -> carol (alice is a manager too)
                 other_manager -> dave (in Place)
"""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from people import roles
from people.models import OrgUnit

from .factories import PASSWORD, EmployeeFactory, OrgUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached figures live in the real Redis cache: start every test with it empty so
    one test's requests never count against the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def flaky_smtp(settings):
    """Email through an SMTP server that refuses the first `flaky_smtp.failures` sends (0 at first)."""
    from .mail_backends import FlakySMTP

    settings.EMAIL_BACKEND = "tests.mail_backends.FlakySMTP"
    FlakySMTP.attempts = FlakySMTP.failures = 0
    return FlakySMTP


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def org(db):
    council = OrgUnitFactory(code="council", name="Demo Council", kind=OrgUnit.Kind.COUNCIL)
    adults = OrgUnitFactory(code="adults", name="Adults and Health", kind=OrgUnit.Kind.PORTFOLIO, parent=council)
    social = OrgUnitFactory(code="social-work", name="Social Work", kind=OrgUnit.Kind.DEPARTMENT, parent=adults)
    team_a = OrgUnitFactory(code="team-a", name="Team A", kind=OrgUnit.Kind.TEAM, parent=social)
    team_b = OrgUnitFactory(code="team-b", name="Team B", kind=OrgUnit.Kind.TEAM, parent=social)
    place = OrgUnitFactory(code="place", name="Place", kind=OrgUnit.Kind.PORTFOLIO, parent=council)
    highways = OrgUnitFactory(code="highways", name="Highways", kind=OrgUnit.Kind.DEPARTMENT, parent=place)
    return {
        "council": council, "adults": adults, "social": social, "team_a": team_a, "team_b": team_b,
        "place": place, "highways": highways,
    }


def _emp(username, unit, manager=None, role_list=(), **kw):
    user = UserFactory(username=username, roles=[roles.EMPLOYEE, *role_list])
    return EmployeeFactory(user=user, org_unit=unit, line_manager=manager, **kw)


@pytest.fixture
def people(org):
    director = _emp("director", org["adults"], role_list=[roles.PORTFOLIO_LEAD], job_title="Director of Adults")
    org["adults"].head = director
    org["adults"].save(update_fields=["head"])
    head = _emp("head", org["social"], director, job_title="Head of Social Work")
    manager = _emp("manager", org["team_a"], head, job_title="Team Manager")
    alice = _emp("alice", org["team_a"], manager, job_title="Social Worker")
    bob = _emp("bob", org["team_a"], manager, job_title="Social Worker")
    carol = _emp("carol", org["team_b"], alice, job_title="Support Worker")
    other_manager = _emp("other_manager", org["highways"], job_title="Highways Manager")
    dave = _emp("dave", org["highways"], other_manager, job_title="Highways Inspector")
    hr = _emp("hr", org["council"], role_list=[roles.HR], job_title="HR Adviser")
    payroll = _emp("payroll", org["council"], role_list=[roles.PAYROLL], job_title="Payroll Officer")
    payroll2 = _emp("payroll2", org["council"], role_list=[roles.PAYROLL], job_title="Payroll Officer")
    champion = _emp("champion", org["social"], head, role_list=[roles.DIGITAL_CHAMPION], is_digital_champion=True)
    admin = _emp("admin", org["council"], role_list=[roles.INTRANET_ADMIN], job_title="Intranet Administrator")
    admin.user.is_staff = True
    admin.user.save(update_fields=["is_staff"])
    return {
        "director": director, "head": head, "manager": manager, "alice": alice, "bob": bob, "carol": carol,
        "other_manager": other_manager, "dave": dave, "hr": hr, "payroll": payroll, "payroll2": payroll2,
        "champion": champion, "admin": admin,
    }


@pytest.fixture
def login(client):
    """login(employee) -> a Django test client signed in as that employee's user."""

    def _login(employee):
        client.force_login(employee.user)
        return client

    return _login


@pytest.fixture
def api_as():
    """api_as(employee) -> a DRF APIClient authenticated as that employee's user."""

    def _api(employee):
        c = APIClient()
        c.force_authenticate(employee.user)
        return c

    return _api


@pytest.fixture(scope="module")
def vacuum_employees_afterwards(django_db_blocker):
    """For a module whose tests fill people_employee with thousands of rows and ANALYZE them, inside
    transactions that are rolled back: afterwards the table's statistics still say it holds them and
    its pages are full of dead rows, which made every later test's queries several times slower (a
    case of tests/self_service/test_actions_agree.py took 16 s after tests/people/test_search_order.py,
    4 s without it). VACUUM ANALYZE once the module's last test is rolled back (a module-scoped
    fixture is torn down after it), so the next module finds the table as it was."""
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE people_employee")
