import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import OrgUnit
from reporting import services
from reporting.models import FigureSnapshot
from tests.factories import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

DASH = reverse("reporting:dashboard")


# --- who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [("director", 200), ("hr", 200), ("admin", 200), ("alice", 404), ("manager", 404), ("dave", 404),
     ("champion", 404)],
)
def test_dashboard_permissions(who, status, people, login):
    assert login(people[who]).get(DASH).status_code == status


def test_portfolio_lead_sees_only_their_portfolio(people, org, login):
    client = login(people["director"])
    page = client.get(DASH).content.decode()
    assert "Digital adoption: Adults and Health" in page
    assert "Social Work" in page  # drill-down rows: its departments
    assert "Place" not in page and "Highways" not in page
    # drilling into their own department works, into another portfolio does not
    assert client.get(DASH, {"unit": org["social"].pk}).status_code == 200
    for other in ("place", "highways", "council"):
        assert client.get(DASH, {"unit": org[other].pk}).status_code == 404
        assert client.get(reverse("reporting:csv"), {"unit": org[other].pk}).status_code == 404
        assert client.get(reverse("reporting:pdf"), {"unit": org[other].pk}).status_code == 404


def test_hr_compares_every_portfolio(people, org, login):
    page = login(people["hr"]).get(DASH).content.decode()
    assert "Adults and Health" in page and "Place" in page
    assert "Demo Council (total)" in page


def test_drill_down_to_teams(people, org, login):
    page = login(people["hr"]).get(DASH, {"unit": org["social"].pk}).content.decode()
    assert "Team A" in page and "Team B" in page
    assert f'href="?unit={org["adults"].pk}' in page  # breadcrumb back up


def test_period_selection(people, login):
    client = login(people["director"])
    resp = client.get(DASH, {"period": "last-month"})
    assert resp.context["period"].key == "last-month"
    assert "Last month" in resp.content.decode()
    assert client.get(DASH, {"period": "nonsense"}).context["period"].key == "last-3-months"


def test_each_chart_has_a_table_beside_it(people, login):
    page = login(people["hr"]).get(DASH).content.decode()
    assert page.count('role="img"') >= 5
    assert 'data-figure="headcount"' in page
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Staff,' in page


def test_unavailable_figures_are_labelled(people, login, monkeypatch):
    from reporting import figures

    def broken(*args, **kwargs):
        raise RuntimeError("skills selector broke")

    monkeypatch.setattr(figures, "assessment_coverage", broken)
    page = login(people["hr"]).get(DASH).content.decode()
    assert "Not available yet" in page
    assert "Completed skills analysis" in page


# --- query counts --------------------------------------------------------------------------------


def _grow_staff(org, n):
    """Add n staff spread over every team and department."""
    units = [org["team_a"], org["team_b"], org["social"], org["highways"]]
    for i in range(n):
        EmployeeFactory(org_unit=units[i % len(units)], user=None, is_digital_champion=(i % 10 == 0))


def test_dashboard_queries_do_not_grow_with_staff(people, org, login, django_assert_num_queries):
    client = login(people["hr"])
    _grow_staff(org, 5)
    # Fixed per request, whatever the staff numbers: session, user, roles, the scope (root,
    # portfolios), one grouped query for the people figures and one for news reach, snapshots for
    # the trend, and a fixed few per reported unit from other apps' selectors (skills, training,
    # self-service), which take one scope per call. Measured here, then proven not to grow with
    # eight times the staff.
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(DASH).status_code == 200
    _grow_staff(org, 40)
    with django_assert_num_queries(len(ctx)):
        client.get(DASH)


# --- exports, API, PDF, email, snapshots -----------------------------------------------------------


def test_csv_export_has_every_figure(people, org, login):
    from reporting.figures import FIGURES

    resp = login(people["director"]).get(reverse("reporting:csv"))
    assert resp["Content-Type"].startswith("text/csv")
    body = resp.content.decode()
    for f in FIGURES:
        assert f.key in body
    assert "adults,Adults and Health,headcount,Staff,7," in body
    assert "highways" not in body


def test_lead_downloads_pdf(people, login):
    resp = login(people["director"]).get(reverse("reporting:pdf"), {"period": "last-month"})
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")


def test_metrics_api(people, org, api_as):
    data = api_as(people["director"]).get("/api/reporting/metrics/", {"period": "this-month"}).json()
    assert data["focus"]["code"] == "adults"
    headcount = next(f for f in data["figures"] if f["key"] == "headcount")
    assert {v["unit_code"]: v["value"] for v in headcount["values"]}["adults"] == 7
    assert api_as(people["director"]).get("/api/reporting/metrics/", {"unit": org["place"].pk}).status_code == 404
    assert api_as(people["alice"]).get("/api/reporting/metrics/").status_code == 403
    assert api_as(people["hr"]).get("/api/reporting/metrics/", {"period": "bogus"}).status_code == 400


def test_monthly_pdf_is_emailed_to_each_portfolio_lead(people, org, django_capture_on_commit_callbacks):
    # Adults is headed by the director; Place has no head, so nothing can be sent for it.
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.monthly_reports_send(month=dt.date(2026, 10, 1))
    assert sent == 1
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == [people["director"].email]
    assert "Adults and Health" in msg.subject and "October 2026" in msg.subject
    name, content, mimetype = msg.attachments[0]
    assert name == "adoption-adults-2026-10.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_monthly_tasks_run_through_celery(people, org, django_capture_on_commit_callbacks):
    from reporting import tasks

    with django_capture_on_commit_callbacks(execute=True):
        tasks.monthly_reports_send.delay("2026-10-01")  # eager in tests
    assert len(mail.outbox) == 1
    assert tasks.snapshot_take.delay("2026-10-01").get() > 0


class _SMTPHavingABadMinute(locmem.EmailBackend):
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_a_mail_outage_delays_the_monthly_report_but_does_not_lose_it(people, org, settings, caplog,
                                                                      django_capture_on_commit_callbacks):
    """The report goes through core.mail: the queued send is retried, the PDF arrives intact."""
    settings.EMAIL_BACKEND = f"{__name__}._SMTPHavingABadMinute"
    _SMTPHavingABadMinute.attempts = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.monthly_reports_send(month=dt.date(2026, 10, 1)) == 1
    assert _SMTPHavingABadMinute.attempts == 3 and "retrying" in caplog.text
    [msg] = mail.outbox
    name, content, mimetype = msg.attachments[0]
    assert name == "adoption-adults-2026-10.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_snapshots_record_each_unit_and_feed_the_trend(people, org, login):
    n = services.snapshot_take(month=dt.date(2026, 10, 15))
    assert n > 0
    snap = FigureSnapshot.objects.get(month=dt.date(2026, 10, 1), unit_code="adults", figure="headcount")
    assert snap.value == 7 and snap.unit_name == "Adults and Health"
    # taking it again replaces rather than duplicates
    assert services.snapshot_take(month=dt.date(2026, 10, 1)) == n
    assert FigureSnapshot.objects.filter(month=dt.date(2026, 10, 1), unit_code="adults", figure="headcount").count() == 1
    # a figure from an app that is not there is recorded as empty, not zero
    assert FigureSnapshot.objects.filter(figure="recruitment_pass_rate", unit_code="council").exists()


def test_snapshot_survives_a_unit_being_merged_away(people, org):
    services.snapshot_take(month=dt.date(2026, 9, 1))
    gone = OrgUnitFactory(code="old-team", name="Old team", kind=OrgUnit.Kind.TEAM, parent=org["social"])
    services.snapshot_take(month=dt.date(2026, 10, 1))
    gone.delete()
    assert FigureSnapshot.objects.filter(unit_code="old-team", month=dt.date(2026, 10, 1)).exists()


def test_recorded_figures_come_from_the_latest_snapshot(people, org, login):
    from django.utils import timezone

    client = login(people["hr"])
    page = client.get(DASH).content.decode()
    assert "Not recorded yet" in page
    services.snapshot_take(month=timezone.localdate())
    resp = client.get(DASH)
    assert "As recorded" in resp.content.decode()
    avg = next(i for i in resp.context["sections"]["Skills"] if i["definition"].key == "average_gap")
    assert avg["result"].available
    # and the trend table for the council now has this month's figures
    assert any(row["has_data"] for row in resp.context["trend"]["rows"])


def test_demo_seeder_records_this_month(people, org, login):
    import io
    import random

    from reporting.demo import seed_reporting

    out = io.StringIO()
    seed_reporting(rng=random.Random(1), staff_count=13, stdout=out)
    assert "recorded" in out.getvalue()
    assert FigureSnapshot.objects.filter(figure="average_gap", unit_code="adults").exists()
    # and the dashboard opens on prepared figures, as a running council's does
    assert "prepared" in out.getvalue()
    assert login(people["director"]).get(DASH).context["from_prepared"]


def test_csv_export_unit_names_cannot_run_as_formulas(people, org, login):
    # Both the name and the code come from the directory.
    org["social"].name = "=1+1"
    org["social"].code = "@sum"
    org["social"].save(update_fields=["name", "code"])
    body = login(people["director"]).get(reverse("reporting:csv")).content.decode()
    assert ",'@sum,'=1+1," in body
    assert ",=1+1," not in body and ",@sum," not in body
