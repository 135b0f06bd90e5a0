"""Retention: applicants' personal data is purged after the configured period, the purge is recorded,
anonymous statistics stay; HR can export one applicant's data."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import AuditEntry
from skills_matrix.recruitment import selectors, services
from skills_matrix.recruitment.models import Applicant, AttemptQuestion, PurgeRecord
from skills_matrix.recruitment.tasks import retention_purge

pytestmark = pytest.mark.django_db


def finished(invite, **kw):
    invitation, token = invite(**kw)
    attempt = services.attempt_start(invitation=invitation)
    for aq in attempt.questions.select_related("version"):
        services.answer_save(invitation=invitation, position=aq.position, answer=aq.version.correct)
    services.attempt_submit(invitation=invitation)
    return invitation, token


def age(applicant, days):
    Applicant.objects.filter(pk=applicant.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_purge_removes_personal_data_and_keeps_anonymous_statistics(invite, settings, client):
    settings.RECRUITMENT_RETENTION_DAYS = 30
    old, old_token = finished(invite, name="Old Applicant", email="old@example.com", vacancy="VAC-OLD")
    recent, _ = finished(invite, name="Recent Applicant", email="recent@example.com")
    age(old.applicant, 31)
    age(recent.applicant, 29)
    stats_before = selectors.statistics()

    assert retention_purge() == 1

    gone = Applicant.objects.get(pk=old.applicant_id)
    assert (gone.name, gone.email, gone.employee_number) == ("", "", "")
    assert gone.purged_at is not None
    assert not AttemptQuestion.objects.filter(attempt__invitation=old, answer__isnull=False).exists()
    kept = Applicant.objects.get(pk=recent.applicant_id)
    assert kept.name == "Recent Applicant"
    # Anonymous figures are unchanged: scores per area survive without the person.
    assert selectors.statistics() == stats_before
    assert old.attempt.area_results.count() == 2
    # The purge is recorded, without names.
    record = PurgeRecord.objects.get()
    assert record.applicant_count == 1 and record.applicant_ids == [old.applicant_id]
    entry = AuditEntry.objects.get(action="recruitment.applicants_purged")
    assert "Old Applicant" not in json.dumps(entry.changes) + entry.target_repr + entry.note
    assert not AuditEntry.objects.filter(target_repr__icontains="Old Applicant").exists()
    # The old link is dead and HR lists no longer show the person.
    assert client.get(reverse("recruitment_applicant:start", args=[old_token])).status_code == 404
    assert old.applicant_id not in set(selectors.applicants_list().values_list("pk", flat=True))


def test_purge_with_nothing_old_enough_records_nothing(invite):
    finished(invite)
    assert services.applicants_purge() is None
    assert not PurgeRecord.objects.exists()


def test_purge_closes_a_test_left_open(invite, settings):
    settings.RECRUITMENT_RETENTION_DAYS = 1
    invitation, _ = invite()
    services.attempt_start(invitation=invitation)
    age(invitation.applicant, 2)
    services.applicants_purge()
    invitation.attempt.refresh_from_db()
    assert invitation.attempt.state == "stopped"


def test_hr_erases_one_applicant_on_request(invite, login, people):
    invitation, _ = finished(invite, name="Asked To Go")
    response = login(people["hr"]).post(reverse("recruitment:erase", args=[invitation.applicant_id]))
    assert response.status_code == 302
    assert Applicant.objects.get(pk=invitation.applicant_id).name == ""
    record = PurgeRecord.objects.get()
    assert record.reason == PurgeRecord.Reason.REQUEST and record.actor == people["hr"].user


def test_hr_exports_one_applicants_data_as_json_and_csv(invite, login, people):
    invitation, _ = finished(invite, name="Sam Export", email="sam@example.com")
    client = login(people["hr"])
    response = client.get(reverse("recruitment:export", args=[invitation.applicant_id, "json"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["applicant"]["name"] == "Sam Export" and data["applicant"]["email"] == "sam@example.com"
    assert len(data["answers"]) == 4 and all(a["correct"] for a in data["answers"])
    assert {r["area"] for r in data["area_results"]} == {"Safe online", "Spreadsheets"}

    response = client.get(reverse("recruitment:export", args=[invitation.applicant_id, "csv"]))
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["applicant", "name", "Sam Export"] in rows
    assert sum(1 for r in rows if r[0] == "answer") == 4
    assert AuditEntry.objects.filter(action="recruitment.applicant_exported").count() == 2


def test_applicant_csv_export_does_not_let_a_name_run_as_a_formula(invite, login, people):
    invitation, _ = finished(invite, name="=HYPERLINK(\"http://evil.example\")", email="f@example.com")
    response = login(people["hr"]).get(reverse("recruitment:export", args=[invitation.applicant_id, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["applicant", "name", "'=HYPERLINK(\"http://evil.example\")"] in rows
