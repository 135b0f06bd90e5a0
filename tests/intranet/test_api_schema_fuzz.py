"""Schema-driven test of the whole API (schemathesis): every operation in /api/schema/ is called
through Django's real WSGI handler (every middleware, authentication, throttling, the exception
handler) as a user with wide rights, with data generated from the schema, valid and invalid. Any
5xx, an undocumented status code, or a body, content type or header that does not match the schema
fails the test.

Time is bounded: a few examples per operation and mode, no shrinking, derandomized (the same cases
every run), no example database. The throttle rates are raised for the run (not switched off), so
the test is not tripped by them."""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from people import roles

from .test_no_server_errors import _seed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 3}
KNOWN_ID_EXAMPLES = 3
# The calls take about 40 s on a quiet two-core machine. The cap is on the number of calls, not on
# time (a busy machine must not fail it): raise the examples, or add many endpoints, and this fails.
MAX_CALLS = 650


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler on the test's own database connection: the signals that would close
    that connection at the end of each request (and so the test's transaction) are held off, as
    django.test.Client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def wide_token(people):
    """A token for someone holding every role (HR, payroll, learning, news, admin...) with reports."""
    from django.contrib.auth.models import Group

    user = people["manager"].user
    user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in roles.ALL_ROLES])
    return Token.objects.create(user=user).key


def _known_path_parameters(people):
    """Path parameters naming records that exist, by path prefix, so detail endpoints also answer 200
    with a body to check rather than only 404 for generated ids."""
    from self_service.models import Request
    from skills_matrix.models import Assessment, Campaign, RoleProfile
    from training.models import Booking, Session

    assessment = Assessment.objects.create(employee=people["alice"], campaign=Campaign.objects.first())
    return {
        "/api/people/{id}/": {"id": people["alice"].pk},
        "/api/employees/{id}/": {"id": people["alice"].pk},
        "/api/self-service/requests/{id}/": {"id": Request.objects.first().pk},
        "/api/training/sessions/{id}/": {"id": Session.objects.first().pk},
        "/api/training/bookings/{id}/": {"id": Booking.objects.first().pk},
        "/api/training/courses/{code}/": {"code": "smoke-course"},
        "/api/skills/assessments/{id}/": {"id": assessment.pk},
        "/api/skills/profiles/{id}/": {"id": RoleProfile.objects.first().pk},
    }


def test_every_api_operation_answers_as_the_schema_says(people, org, settings, wsgi_app, wide_token):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "100000/minute", "anon": "100000/minute"}}
    _seed(people, org)
    auth = {"Authorization": f"Token {wide_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # every endpoint, not a schema that failed to load

    known = _known_path_parameters(people)
    failures, started, calls = [], time.monotonic(), [0]
    for operation in operations:
        runs = list(EXAMPLES.items())
        fixed = next((v for prefix, v in known.items() if operation.path.startswith(prefix)), None)
        if fixed is not None:
            runs.append((GenerationMode.POSITIVE, fixed))
        for mode, examples in runs:
            path_parameters = examples if isinstance(examples, dict) else None
            examples = KNOWN_ID_EXAMPLES if path_parameters else examples

            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
            @hypothesis_settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                                 phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def call(case):
                calls[0] += 1
                response = case.call(headers=auth)
                case.validate_response(response, checks=CHECKS)

            try:
                call()
            except Unsatisfiable:
                pass  # nothing in this operation can be made invalid (no parameters, no body)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every failure, report all
                known_ids = f", {path_parameters}" if path_parameters else ""
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}{known_ids}): {exc}")
    elapsed = time.monotonic() - started
    assert not failures, "\n\n".join(failures)
    print(f"{len(operations)} operations, {calls[0]} calls in {elapsed:.0f}s")
    assert calls[0] <= MAX_CALLS, f"the schema test made {calls[0]} calls (at most {MAX_CALLS})"
