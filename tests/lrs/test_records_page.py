"""Staff see what the LRS holds about them on their learning pages; their managers and learning
staff see it too (training's existing rule); anyone else gets a 404."""

import pytest
from django.contrib.auth.models import Group

from people import roles

from .conftest import statement


@pytest.fixture
def alices_record(xapi, people):
    st = statement(actor={"mbox": f"mailto:{people['alice'].email}"},
                   object={"id": "http://x.org/course", "definition": {"name": {"en-GB": "Fire safety"}}},
                   result={"score": {"scaled": 0.75}, "success": True})
    assert xapi.post("statements", st).status_code == 200
    xapi.post("statements", statement())  # someone else's


def test_my_records(alices_record, people, login):
    page = login(people["alice"]).get("/training/my/records/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Fire safety" in body and "75%" in body and body.count('<tr class="govuk-table__row"><td') == 1


def test_manager_and_learning_staff_see_a_reports_records_others_get_404(alices_record, people, login, client):
    url = f"/training/people/{people['alice'].pk}/records/"
    assert login(people["manager"]).get(url).status_code == 200
    client.logout()
    assert login(people["dave"]).get(url).status_code == 404
    client.logout()
    people["dave"].user.groups.add(Group.objects.get_or_create(name=roles.LEARNING_ADMIN)[0])
    assert "Fire safety" in login(people["dave"]).get(url).content.decode()


def test_records_page_is_one_lrs_query(people, login, xapi, django_assert_num_queries):
    for _ in range(5):
        xapi.post("statements", statement(actor={"mbox": f"mailto:{people['alice'].email}"}))
    client = login(people["alice"])
    client.get("/training/my/records/")
    # The signed-in page's three (BASE in tests/training/test_pages.py), the employee record, and one
    # for the statements however many there are (5 here, 12 below).
    with django_assert_num_queries(5):
        assert client.get("/training/my/records/").status_code == 200
    for _ in range(7):
        xapi.post("statements", statement(actor={"mbox": f"mailto:{people['alice'].email}"}))
    with django_assert_num_queries(5):
        assert client.get("/training/my/records/").status_code == 200
