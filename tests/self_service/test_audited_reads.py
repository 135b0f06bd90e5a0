"""Looking is audited where an auditor asks "who saw this?" (issue 11 item 5): each attachment
download and each view of a bank details change, on the page and through the API, against the
employee it concerns. A refused look (404) records nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import AuditEntry
from self_service import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(people, login, rtype):
    alice = people["alice"]
    req = services.request_create(actor=alice.user, request_type=rtype("mileage-expenses"), employee=alice,
                                  data={"date": "2027-01-05", "claim_type": "Expenses", "amount": "12.50",
                                        "description": "Parking"})
    client = login(alice)
    client.post(reverse("self_service:attachment_upload", args=[req.pk]),
                {"file": SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt")})
    client.post(reverse("self_service:transition", args=[req.pk, "submit"]))
    return req.attachments.get()


def test_an_attachment_download_is_audited_and_a_refused_one_is_not(people, login, attachment):
    url = reverse("self_service:attachment_download", args=[attachment.pk])
    assert login(people["manager"]).get(url).status_code == 200
    entry = AuditEntry.objects.get(action="attachment.downloaded")
    assert (entry.actor, entry.subject) == (people["manager"].user, people["alice"])
    assert "receipt.pdf" in entry.note
    assert login(people["dave"]).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="attachment.downloaded").count() == 1


def test_viewing_a_bank_details_change_is_audited_on_the_page_and_the_api(people, login, api_as, password):
    r = services.bank_details_request_submit(actor=people["bob"].user, employee=people["bob"], password=password,
                                             account_name="B Smith", sort_code="30-94-30", account_number="00733445")
    assert login(people["payroll"]).get(reverse("self_service:detail", args=[r.pk])).status_code == 200
    assert api_as(people["payroll2"]).get(f"/api/self-service/requests/{r.pk}/").status_code == 200
    views = AuditEntry.objects.filter(action="bank_details.viewed", subject=people["bob"]).order_by("id")
    assert [(e.actor, e.channel) for e in views] == [(people["payroll"].user, "online"), (people["payroll2"].user, "api")]
    # the manager may not open it at all, and nothing is recorded for the refusal
    assert login(people["manager"]).get(reverse("self_service:detail", args=[r.pk])).status_code == 404
    assert views.count() == 2


def test_viewing_an_ordinary_request_records_no_bank_details_view(people, login, overtime_for):
    r = overtime_for(people["alice"])
    assert login(people["manager"]).get(reverse("self_service:detail", args=[r.pk])).status_code == 200
    assert not AuditEntry.objects.filter(action="bank_details.viewed").exists()
