"""Bad input is a 400 or a 404 naming what is wrong, never a 500 nor a record half-written or written
as text: ids past 64 bits (core.ids: the `id` URL converter, core.api.fields.IdField, parse_ids in
forms), JSON values of the wrong type, over-long comments, and bank details in anything but ASCII."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import Resolver404, resolve, reverse

from core.ids import MAX_ID, parse_id, parse_ids
from self_service import services as ss
from self_service.models import Comment, Request, RequestType

pytestmark = pytest.mark.django_db
HUGE = 99999999999999999999  # past bigint (2**63-1)


@pytest.fixture(autouse=True)
def shipped_request_types(db):
    from self_service.shipped_types import SHIPPED_TYPES

    if not RequestType.objects.exists():
        for spec in SHIPPED_TYPES:
            RequestType.objects.create(**spec)


def _overtime(employee, **data):
    return ss.request_create(actor=employee.user, request_type=RequestType.objects.get(code="overtime"),
                             employee=employee, data={"date": "2027-02-01", "hours": "2", "reason": "Gritting", **data},
                             submit=True)


def test_parse_id_takes_ascii_digits_within_bigint_only():
    assert parse_id("42") == 42 and parse_id(42) == 42 and parse_id(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), HUGE, 0, -1, "0", "-1", "²", "１２", "4.0", 4.0, True, None, [], "", " 4"):
        assert parse_id(bad) is None, bad
    assert parse_ids(["3", "x", str(HUGE), "3", "5"]) == [3, 5]


@pytest.mark.parametrize("url", ["/api/people/99999999999999999999/", f"/api/people/{MAX_ID + 1}/",
                                 "/self-service/requests/99999999999999999999/comment/",
                                 "/api/skills/assessments/99999999999999999999/levels/",
                                 "/training/sessions/0/book/", "/people/%EF%BC%91/"])
def test_an_id_past_64_bits_in_a_url_matches_no_route(url):
    """A 404 from the resolver, before any view or query (SQLite would raise OverflowError)."""
    with pytest.raises(Resolver404):
        resolve(url)
    assert resolve(f"/api/people/{MAX_ID}/").kwargs == {"pk": MAX_ID}
    assert reverse("people_api:directory-detail", args=[7]) == "/api/people/7/"


def test_a_post_to_a_page_with_a_huge_id_is_a_404(people, login):
    client = login(people["alice"])
    assert client.post(f"/self-service/requests/{HUGE}/comment/", {"body": "Hello"}).status_code == 404
    assert client.post(f"/training/sessions/{HUGE}/book/").status_code == 404


def test_bulk_approve_api_refuses_ids_past_64_bits_naming_the_field(people, api_as):
    r = _overtime(people["alice"])
    resp = api_as(people["manager"]).post("/api/self-service/queues/approvals/bulk-approve/",
                                          {"ids": [r.pk, HUGE]}, format="json")
    assert resp.status_code == 400
    assert "id of a record" in str(resp.json()["ids"])
    r.refresh_from_db()
    assert r.status == Request.Status.SUBMITTED  # nothing half-done


def test_bulk_approve_page_ignores_ids_that_name_nothing(people, login):
    r = _overtime(people["alice"])
    client = login(people["manager"])
    resp = client.post(reverse("self_service:approvals"), {"selected": [str(HUGE), "²"]})
    assert resp.status_code == 302
    assert [str(m) for m in get_messages(resp.wsgi_request)] == ["Select the requests you want to approve."]
    resp = client.post(reverse("self_service:approvals"), {"selected": [str(HUGE), str(r.pk)]})
    r.refresh_from_db()
    assert r.status == Request.Status.APPROVED


def test_training_assignments_and_bookings_refuse_huge_ids(people, api_as):
    from training.models import Course

    course = Course.objects.create(code="excel", title="Excel", kind=Course.Kind.ELEARNING)
    client = api_as(people["manager"])
    resp = client.post("/api/training/assignments/", {"course": course.code, "employees": [people["alice"].pk, HUGE],
                                                      "due_on": "2027-01-01"}, format="json")
    assert resp.status_code == 400 and "id of a record" in str(resp.json()["employees"])
    resp = client.post("/api/training/assignments/", {"course": course.code, "employees": [people["alice"].pk],
                                                      "due_on": ["2027-01-01"]}, format="json")
    assert resp.status_code == 400 and "due_on" in resp.json()
    resp = client.post("/api/training/bookings/", {"session": 1, "employee": HUGE}, format="json")
    assert resp.status_code == 400 and "id of a record" in str(resp.json()["employee"])


def test_assessment_levels_and_adjustments_refuse_huge_skill_ids(people, api_as):
    from skills_matrix.models import Assessment, Campaign

    campaign = Campaign.objects.create(name="2027", opens_on="2020-01-01", closes_on="2099-01-01")
    a = Assessment.objects.create(employee=people["alice"], campaign=campaign)
    resp = api_as(people["alice"]).post(f"/api/skills/assessments/{a.pk}/levels/", {"levels": {str(HUGE): 2}},
                                        format="json")
    assert resp.status_code == 400 and "levels" in resp.json()
    resp = api_as(people["alice"]).post(f"/api/skills/assessments/{a.pk}/levels/", {"levels": {"１": 2}},
                                        format="json")
    assert resp.status_code == 400 and "levels" in resp.json()
    resp = api_as(people["manager"]).post(f"/api/skills/assessments/{a.pk}/validate/",
                                          {"adjustments": [{"skill": HUGE, "level": 2, "reason": "x"}]}, format="json")
    assert resp.status_code == 400 and "id of a record" in str(resp.json()["adjustments"])


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"date": ["2027-02-01"]}, "date", "not a list"),
    ({"date": {"y": 2027}}, "date", "not an object"),
    ({"reason": {"a": 1}}, "reason", "not an object"),
    ({"reason": ["Gritting"]}, "reason", "not a list"),
    ({"hours": [2]}, "hours", "not a list"),
])
def test_a_json_value_of_the_wrong_type_is_a_400_naming_the_field_and_is_not_stored(people, api_as, data, field,
                                                                                    message):
    body = {"type": "overtime", "data": {"date": "2027-02-01", "hours": "2", "reason": "Gritting", **data}}
    client = api_as(people["alice"])
    client.raise_request_exception = False
    resp = client.post("/api/self-service/requests/", body, format="json")
    assert resp.status_code == 400, resp.content
    assert message in resp.json()[field][0]
    assert not Request.objects.exists()


def test_an_over_long_comment_says_how_long_it_may_be(people, login, api_as):
    r = _overtime(people["alice"])
    client = login(people["alice"])
    page = client.post(reverse("self_service:comment", args=[r.pk]), {"body": "x" * 4001}, follow=True)
    assert "at most 4000 characters" in page.content.decode()
    assert "Enter a comment." not in page.content.decode()
    page = client.post(reverse("self_service:comment", args=[r.pk]), {"body": "  "}, follow=True)
    assert "Enter a comment." in page.content.decode()
    assert not Comment.objects.exists()
    # A decision's comment is refused as too long, never cut to fit.
    manager = login(people["manager"])
    resp = manager.post(reverse("self_service:transition", args=[r.pk, "approve"]), {"comment": "y" * 4001})
    assert any("at most 4000 characters" in str(m) for m in get_messages(resp.wsgi_request))
    r.refresh_from_db()
    assert r.status == Request.Status.SUBMITTED
    with pytest.raises(Exception, match="at most 4,000 characters"):
        ss.comment_add(actor=people["alice"].user, request=r, body="z" * 4001)
    # The API says the same.
    resp = api_as(people["alice"]).post(f"/api/self-service/requests/{r.pk}/comments/", {"body": "x" * 4001},
                                        format="json")
    assert resp.status_code == 400 and resp.json() == {"body": ["Enter a comment of at most 4000 characters."]}
    resp = api_as(people["manager"]).post(f"/api/self-service/requests/{r.pk}/approve/", {"comment": "x" * 4001},
                                          format="json")
    assert resp.status_code == 400 and "at most 4000 characters" in resp.json()["comment"][0]


@pytest.mark.parametrize(("field", "value"), [
    ("sort_code", "３０９４３０"), ("sort_code", "٣٠٩٤٣٠"), ("account_number", "００７３３４４５"),
    ("account_number", "0073344५"), ("account_name", "Zoë Smith"), ("account_name", "B Smith\u202e"),
])
def test_bank_details_take_ascii_only(people, api_as, password, field, value):
    body = {"account_name": "B Smith", "sort_code": "309430", "account_number": "00733445",
            "password": password, field: value}
    resp = api_as(people["bob"]).post("/api/self-service/bank-details/", body, format="json")
    assert resp.status_code == 400 and field in resp.json(), resp.content
    assert not Request.objects.exists()


def test_the_payroll_export_csv_is_ascii(people, password):
    import datetime as dt

    from django.utils import timezone

    from self_service.models import PayPeriod

    today = timezone.localdate()
    period = PayPeriod.objects.create(code="P1", name="Period 1", starts_on=today - dt.timedelta(days=20),
                                      ends_on=today + dt.timedelta(days=10), cutoff_on=today,
                                      pay_date=today + dt.timedelta(days=8))
    r = ss.bank_details_request_submit(actor=people["bob"].user, employee=people["bob"], password=password,
                                       account_name="B O'Brien & Co", sort_code="30-94-30", account_number="0073 3445")
    r = ss.request_approve(actor=people["payroll"].user, request=r)
    ss.bank_details_verify(actor=people["payroll2"].user, request=r, sort_code="309430", account_number="00733445")
    export = ss.payroll_export(actor=people["payroll"].user, period=period)
    rows = list(csv.DictReader(io.StringIO(ss.export_csv(export))))
    assert rows[0]["sort_code"] == "309430" and rows[0]["account_name"] == "B O'Brien & Co"
    assert all(v.isascii() for v in (rows[0]["sort_code"], rows[0]["account_number"], rows[0]["account_name"]))


@pytest.mark.parametrize("url", [
    "/api/training/sessions/?course=%00", "/api/self-service/queues/processing/?type=%00",
    "/api/recruitment/invitations/?vacancy=%00", "/api/recruitment/results/?vacancy=%00",
    "/api/news/articles/?category=%00", "/api/people/?unit=%00", "/api/people/?q=x%00y", "/api/skills/matrix/?unit=%00",
])
def test_a_nul_character_in_an_api_query_is_a_400_naming_the_parameter(people, api_as, url):
    client = api_as(people["hr"])
    client.raise_request_exception = False
    resp = client.get(url)
    name = url.split("?")[1].split("=")[0]
    assert resp.status_code == 400 and resp.json() == {name: ["Null characters are not allowed."]}


@pytest.mark.parametrize(("body", "where"), [
    ({"name": "T", "time_limit_minutes": 30, "areas": [{"area": "x\u0000", "question_count": 5}]}, "areas.0.area"),
    ({"name": "T\u0000", "time_limit_minutes": 30, "areas": []}, "name"),
    ({"name": "T", "time_limit_minutes": 30, "areas": [], "k\u0000": 1}, "k"),
])
def test_a_nul_character_in_a_json_body_is_a_400_naming_where(people, api_as, body, where):
    client = api_as(people["hr"])
    client.raise_request_exception = False
    resp = client.post("/api/recruitment/templates/", body, format="json")
    assert resp.status_code == 400 and resp.json() == {where: ["Null characters are not allowed."]}


def test_forms_refuse_ids_past_64_bits_without_asking_the_database(people, django_assert_num_queries):
    """core.ids.IdModelMultipleChoiceField (training assignments, champion skills, news audiences):
    SQLite, as in the demo, raises OverflowError for such a number in `pk__in`; here no query runs."""
    from django.core.exceptions import ValidationError

    from core.ids import IdModelMultipleChoiceField
    from people.models import Employee

    field = IdModelMultipleChoiceField(queryset=Employee.objects.all())
    with django_assert_num_queries(0), pytest.raises(ValidationError) as exc:
        field.clean([str(people["alice"].pk), str(HUGE)])
    assert exc.value.code == "invalid_pk_value"
    assert list(field.clean([str(people["alice"].pk)])) == [people["alice"]]


def test_the_training_assign_page_refuses_a_huge_person_id(people, login):
    from training.models import Course

    course = Course.objects.create(code="excel", title="Excel", kind=Course.Kind.ELEARNING)
    resp = login(people["manager"]).post("/training/assign/", {"course": course.pk, "people": [str(HUGE)],
                                                               "due_on": "2027-01-01"})
    assert resp.status_code == 200 and "is not a valid value" in resp.content.decode()
