import pytest


@pytest.fixture
def hr(people):
    return people["hr"]
