"""The OpenAPI schema generates without a single drf-spectacular warning or error and is valid
OpenAPI 3. Production's `check --deploy --fail-level WARNING` runs the same generation (a warning
there fails the deploy), and API clients are generated from this schema."""

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.validation import validate_schema


@pytest.fixture
def generator_stats():
    # The counters are process-wide: start from zero and leave nothing behind for other tests.
    GENERATOR_STATS.reset()
    yield GENERATOR_STATS
    GENERATOR_STATS.reset()


def test_schema_has_no_warnings_or_errors_and_is_valid(generator_stats):
    with generator_stats.silence():
        schema = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)

    problems = [*generator_stats._warn_cache, *generator_stats._error_cache]
    assert not problems, "\n".join(problems)
    validate_schema(schema)


def test_spectacular_command_with_validate_and_fail_on_warn_succeeds(generator_stats, tmp_path, capsys):
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    assert out.read_text().startswith("openapi: 3.")
    assert "Warning" not in capsys.readouterr().err


def test_every_choice_set_has_one_name(generator_stats):
    """Enum components come from ENUM_NAME_OVERRIDES or the field name, never a hash suffix."""
    with generator_stats.silence():
        schema = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)

    enums = {name: tuple(c["enum"]) for name, c in schema["components"]["schemas"].items() if "enum" in c}
    assert enums["SkillLevelEnum"] == (0, 1, 2, 3, 4)
    assert not {"LevelEnum", "SelfLevelEnum", "ValidatedLevelEnum", "BaselineLevelEnum"} & enums.keys()
    assert len(set(enums.values())) == len(enums), enums


def test_fields_that_may_be_null_say_so(generator_stats):
    """core.api.schema.AutoSchema: a read-only field with default=None, or whose source passes
    through a foreign key that may be empty, is nullable; one through a required key is not."""
    with generator_stats.silence():
        schema = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    assert components["OrgUnit"]["properties"]["parent"]["nullable"] is True
    assert components["RequestOutput"]["properties"]["current_approver_name"]["nullable"] is True
    assert components["SyncRunDetail"]["properties"]["confirmed_by"]["nullable"] is True
    assert components["DirectoryEntry"]["properties"]["org_unit"]["nullable"] is True
    assert "nullable" not in components["RequestOutput"]["properties"]["employee_name"]
    assert "nullable" not in components["Course"]["properties"]["skills"]  # a list of a reverse relation


def test_every_operation_documents_its_error_answers_with_their_body(generator_stats):
    with generator_stats.silence():
        schema = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
    error = {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"400", "401", "403", "404", "429"} | ({"409"} if method != "get" else set())
            assert expected <= set(responses), (method, path, sorted(responses))
            assert responses["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/FieldErrors"}
            for code in expected - {"400"}:
                assert responses[code]["content"]["application/json"]["schema"] == error, (method, path, code)
            assert "Retry-After" in responses["429"]["headers"]


def test_an_api_address_no_view_matches_answers_json(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("someone"))
    for url in ("/api/people/-1/", "/api/people/1.5/", "/api/no-such-endpoint/"):
        resp = client.get(url)
        assert resp.status_code == 404 and resp["Content-Type"] == "application/json"
        assert resp.json() == {"detail": "Not found."}
    assert client.get("/people/no-such-page/x/").headers["Content-Type"].startswith("text/html")
