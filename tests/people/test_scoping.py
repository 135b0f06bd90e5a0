import pytest

from people import selectors


@pytest.mark.django_db
def test_reports_of_direct_and_indirect(people):
    names = lambda qs: {e.user.username for e in qs.select_related("user")}  # noqa: E731
    assert names(selectors.reports_of(people["manager"], indirect=False)) == {"alice", "bob"}
    assert names(selectors.reports_of(people["manager"])) == {"alice", "bob", "carol"}
    assert names(selectors.reports_of(people["director"])) >= {"head", "manager", "alice", "bob", "carol", "champion"}
    assert "dave" not in names(selectors.reports_of(people["director"]))


@pytest.mark.django_db
def test_reports_of_terminates_on_a_manager_loop(people):
    # bad directory data: manager reports to their own report
    people["manager"].line_manager = people["carol"]
    people["manager"].save(update_fields=["line_manager"])
    assert selectors.reports_of(people["manager"]).count() == 3  # alice, bob, carol; no infinite recursion
