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
