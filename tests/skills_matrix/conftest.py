import pytest


@pytest.fixture(autouse=True)
def default_framework(db):
    """The default framework comes from a data migration. Tests that run with transaction=True (the
    browser journeys) flush it away for the tests after them, so put it back when it is missing
    (a couple of cheap queries when it is there)."""
    from skills_matrix.framework_data import load_default_framework
    from skills_matrix.models import FrameworkVersion, RoleProfile, RoleRequirement, Skill, SkillDescriptor

    load_default_framework(
        Skill=Skill, SkillDescriptor=SkillDescriptor, FrameworkVersion=FrameworkVersion,
        RoleProfile=RoleProfile, RoleRequirement=RoleRequirement,
    )


@pytest.fixture
def hr(people):
    return people["hr"]
