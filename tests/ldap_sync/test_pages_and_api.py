"""Who sees directory sync runs, and what the pages and API show."""

import pytest
from django.urls import reverse

from ldap_sync.models import SyncRun
from people.models import Employee

pytestmark = pytest.mark.django_db


def make_runs(n, **kw):
    return SyncRun.objects.bulk_create([
        SyncRun(source="default", kind="full", status=kw.get("status", "applied"),
                counts={"read": 10, "created": 2, "updated": 1, "deactivated": 0, "skipped": 1},
                errors=[{"dn": "uid=x", "directory_id": "", "reason": "no surname (sn)"}],
                changes=[{"action": "updated", "name": "Ann Example", "directory_id": "1",
                          "changes": {"job_title": ["Officer", "Senior Officer"]}}])
        for _ in range(n)
    ])


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("hr", 403), ("payroll", 403), ("manager", 403), ("alice", 403), ("champion", 403)],
)
def test_only_intranet_admins_see_the_runs_page_and_detail(people, login, who, status):
    run = make_runs(1)[0]
    client = login(people[who])
    assert client.get(reverse("ldap_sync:runs")).status_code == status
    assert client.get(reverse("ldap_sync:run_detail", args=[run.pk])).status_code == status


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("hr", 403), ("alice", 403)])
def test_only_intranet_admins_read_runs_through_the_api(people, api_as, who, status):
    run = make_runs(1)[0]
    api = api_as(people[who])
    assert api.get("/api/directory-sync/runs/").status_code == status
    assert api.get(f"/api/directory-sync/runs/{run.pk}/").status_code == status


def test_anonymous_users_are_refused(client):
    assert client.get(reverse("ldap_sync:runs")).status_code == 302
    assert client.get("/api/directory-sync/runs/").status_code == 401


def test_the_api_is_read_only(people, api_as):
    run = make_runs(1)[0]
    api = api_as(people["admin"])
    assert api.post("/api/directory-sync/runs/", {}).status_code == 405
    assert api.delete(f"/api/directory-sync/runs/{run.pk}/").status_code == 405
    body = api.get(f"/api/directory-sync/runs/{run.pk}/").json()
    assert body["errors"][0]["reason"] == "no surname (sn)" and body["counts"]["created"] == 2


def test_run_list_query_count_does_not_grow_with_runs(people, login, django_assert_num_queries):
    client = login(people["admin"])
    make_runs(3)
    # session + user, the user's groups (role check), count + page of runs, nav role check is cached
    with django_assert_num_queries(5) as small:
        response = client.get(reverse("ldap_sync:runs"))
    assert response.status_code == 200 and response.content.count(b"Run ") >= 3
    make_runs(20)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("ldap_sync:runs")).status_code == 200


def test_run_detail_shows_errors_and_changes_with_before_and_after(people, login):
    run = make_runs(1)[0]
    page = login(people["admin"]).get(reverse("ldap_sync:run_detail", args=[run.pk])).content.decode()
    assert "no surname (sn)" in page and "Officer → Senior Officer" in page
    assert "Confirm" not in page


def test_an_admin_confirms_a_held_run_from_its_page(people, login):
    alice = people["alice"]
    alice.directory_id = "a-1"
    alice.save(update_fields=["directory_id"])
    run = make_runs(1, status="held")[0]
    run.held_deactivations = [alice.pk]
    run.save()
    client = login(people["admin"])
    page = client.get(reverse("ldap_sync:run_detail", args=[run.pk])).content.decode()
    assert "Confirm 1 leavers" in page

    response = client.post(reverse("ldap_sync:run_confirm", args=[run.pk]), follow=True)

    assert "1 leavers from run" in response.content.decode()
    assert not Employee.objects.get(pk=alice.pk).is_active
    run.refresh_from_db()
    assert run.status == SyncRun.Status.CONFIRMED
    # A second confirmation is refused with a clear message, not a 500.
    again = client.post(reverse("ldap_sync:run_confirm", args=[run.pk]), follow=True).content.decode()
    assert "not held, so there is nothing to confirm" in again


def test_confirming_is_for_admins_only(people, login):
    run = make_runs(1, status="held")[0]
    assert login(people["hr"]).post(reverse("ldap_sync:run_confirm", args=[run.pk])).status_code == 403
    run.refresh_from_db()
    assert run.status == SyncRun.Status.HELD


def test_nav_item_shows_for_admins_only(people, login):
    assert b"Directory sync" in login(people["admin"]).get("/").content
    assert b"Directory sync" not in login(people["alice"]).get("/").content


def test_api_run_list_query_count_does_not_grow_with_runs(people, api_as, django_assert_num_queries):
    def fresh_admin_api():  # a fresh user object each time, so no role cache is carried over
        return api_as(Employee.objects.select_related("user").get(pk=people["admin"].pk))

    make_runs(3)
    api = fresh_admin_api()
    # the user's groups (role check), the page count, the page of runs (triggered_by joined in)
    with django_assert_num_queries(3):
        assert api.get("/api/directory-sync/runs/").json()["count"] == 3
    make_runs(30)
    api = fresh_admin_api()
    with django_assert_num_queries(3):
        assert len(api.get("/api/directory-sync/runs/").json()["results"]) == 33
