"""The API is self-describing: the OpenAPI schema and its docs page render for signed-in staff, and
the people endpoints generate their schema without drf-spectacular warnings."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_schema_and_docs_render_for_a_signed_in_user(people, login):
    client = login(people["alice"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/people/", "/api/people/{id}/", "/api/employees/", "/api/employees/{id}/", "/api/me/", "/api/org-units/"):
        assert path in paths
    assert "patch" in paths["/api/me/"]
    # Documented security schemes: session cookie and token.
    schemes = schema.json()["components"]["securitySchemes"]
    assert {"cookieAuth", "tokenAuth"} <= set(schemes)

    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text
    # The Swagger UI is served from the sidecar package, never from a CDN.
    assert "cdn.jsdelivr" not in docs.text and "unpkg.com" not in docs.text


def test_people_endpoints_generate_without_warnings():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    problems = [m for m in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache] if "people" in m]
    GENERATOR_STATS.reset()
    assert problems == []
