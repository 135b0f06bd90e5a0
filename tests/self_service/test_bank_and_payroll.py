"""Bank details (the fraud target), payslip import/PDF, and the payroll export with its cut-off."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from people.models import AuditEntry
from self_service import crypto, services
from self_service.models import BankAccount, BankDetailsChange, PayPeriod, PayrollImport, Payslip, Request
from self_service.payslip_pdf import payslip_pdf

pytestmark = pytest.mark.django_db
S = Request.Status


REKEYED = {"sort_code": "30-94-30", "account_number": "00733445"}  # as the employee gave them (_bank)


def _bank(people, password, who="bob", **kw):
    data = {"account_name": "B Smith", "sort_code": "30-94-30", "account_number": "0073 3445", **kw}
    return services.bank_details_request_submit(actor=people[who].user, employee=people[who], password=password, **data)


def test_bank_details_are_encrypted_masked_and_the_existing_email_is_told(people, password,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = _bank(people, password)
    assert r.status == S.SUBMITTED and r.current_approver_role == "Payroll"
    details = BankDetailsChange.objects.get(request=r)
    raw = bytes(details.account_number_encrypted)
    assert b"00733445" not in raw and crypto.decrypt(raw) == "00733445"
    assert crypto.decrypt(details.sort_code_encrypted) == "309430"
    assert r.data == {"account_name": "B Smith", "sort_code": "**-**-30", "account_number": "••••3445"}
    entry = AuditEntry.objects.get(action="request.created", object_id=str(r.pk))
    assert entry.changes["account_number"] == ["", "••••3445"] and entry.changes["sort_code"] == ["", "**-**-30"]
    assert not {"00733445", "9430", "309430"} & set(re.findall(r"\d+", str(list(
        AuditEntry.objects.values_list("changes", "note")))))
    assert [m.to for m in mail.outbox if "change to your bank details" in m.subject] == [[people["bob"].email]]


def test_bank_details_need_the_password_and_valid_numbers(people, password):
    with pytest.raises(ValidationError) as exc:
        _bank(people, "wrong-password")
    assert "password" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _bank(people, password, sort_code="12345", account_number="1234567X")
    assert set(exc.value.message_dict) == {"sort_code", "account_number"}
    assert not Request.objects.exists()
    with pytest.raises(PermissionDenied):  # nobody changes someone else's bank details
        services.bank_details_request_submit(actor=people["hr"].user, employee=people["bob"], password=password,
                                             account_name="x", sort_code="309430", account_number="00733445")


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\")", "+1", "-2+3", "@SUM(A1)", "  =cmd"])
def test_bank_account_name_cannot_carry_a_spreadsheet_formula_into_the_export(people, password, name):
    with pytest.raises(ValidationError) as exc:
        _bank(people, password, account_name=name)
    assert "start with a letter or a number" in exc.value.message_dict["account_name"][0]
    assert not Request.objects.exists()


def test_second_payroll_officer_must_verify_before_export(people, password, period):
    r = _bank(people, password)
    with pytest.raises(PermissionDenied):  # managers have no say over bank details
        services.request_approve(actor=people["manager"].user, request=r)
    r = services.request_approve(actor=people["payroll"].user, request=r)
    assert r.status == S.APPROVED
    export = services.payroll_export(actor=people["payroll"].user, period=period)
    assert export.row_count == 0  # held back: not verified
    with pytest.raises(PermissionDenied):  # the approving officer cannot verify their own check
        services.bank_details_verify(actor=people["payroll"].user, request=r, **REKEYED)
    with pytest.raises(PermissionDenied):
        services.bank_details_verify(actor=people["hr"].user, request=r, **REKEYED)
    from self_service.dashboard import self_service_tasks

    titles = lambda who: [t.title for t in self_service_tasks(people[who].user)]  # noqa: E731
    assert "1 bank details change to verify (second check)" in titles("payroll2")
    assert not any("verify" in t for t in titles("payroll"))  # not the officer who approved it
    services.bank_details_verify(actor=people["payroll2"].user, request=r, **REKEYED)
    assert not any("verify" in t for t in titles("payroll2"))
    export = services.payroll_export(actor=people["payroll"].user, period=period)
    assert export.row_count == 1
    rows = list(csv.DictReader(io.StringIO(services.export_csv(export))))
    assert rows[0]["sort_code"] == "309430" and rows[0]["account_number"] == "00733445"
    assert b"00733445" not in bytes(export.content_encrypted)
    r.refresh_from_db()
    assert r.status == S.PROCESSED and r.exported_in == export
    assert BankAccount.objects.get(employee=people["bob"]).masked_account == "••••3445"


def test_changes_approved_after_the_cut_off_wait_for_the_next_period(people, overtime_for, period):
    before = services.request_approve(actor=people["manager"].user, request=overtime_for(people["alice"]))
    late = services.request_approve(actor=people["manager"].user, request=overtime_for(people["bob"], hours="3"))
    Request.objects.filter(pk=late.pk).update(decided_at=timezone.now() + dt.timedelta(days=1))
    export = services.payroll_export(actor=people["payroll"].user, period=period)
    rows = list(csv.DictReader(io.StringIO(services.export_csv(export))))
    assert [r["reference"] for r in rows] == [before.reference]
    assert rows[0]["hours"] == "2" and rows[0]["change_type"] == "overtime"
    nxt = PayPeriod.objects.create(code="P2", name="P2", starts_on=period.ends_on, ends_on=period.ends_on,
                                   cutoff_on=period.cutoff_on + dt.timedelta(days=30), pay_date=period.ends_on)
    rows = list(csv.DictReader(io.StringIO(services.export_csv(services.payroll_export(actor=people["payroll"].user,
                                                                                        period=nxt)))))
    assert [r["reference"] for r in rows] == [late.reference]
    with pytest.raises(PermissionDenied):
        services.payroll_export(actor=people["hr"].user, period=nxt)


def test_payroll_changes_are_only_processed_by_the_export(people, overtime_for):
    r = services.request_approve(actor=people["manager"].user, request=overtime_for(people["alice"]))
    with pytest.raises(DomainError):
        services.request_process(actor=people["payroll"].user, request=r)


GOOD = """employee_number,tax_code,gross_pay,income_tax,national_insurance,pension,other_deductions,net_pay
{alice},1257L,2500.00,291.80,129.00,162.50,0.00,1916.70
{bob},1257L,3000.00,391.80,169.00,195.00,10.00,2234.20
"""


def test_payslip_import_is_all_or_nothing_with_row_and_column_errors(people, period):
    nums = {"alice": people["alice"].employee_number, "bob": people["bob"].employee_number}
    bad = GOOD.format(**nums) + "E999999,1257L,100,0,0,0,0,100\n" + f"{nums['bob']},12 57,abc,0,0,0,0,1\n"
    with pytest.raises(ValidationError) as exc:
        services.payroll_import(actor=people["payroll"].user, period=period, content=bad.encode())
    errors = exc.value.message_dict["file"]
    assert "Row 4, column employee_number: no employee has the number E999999." in errors
    assert any(e.startswith("Row 5, column employee_number:") and "row 3" in e for e in errors)
    assert any(e.startswith("Row 5, column tax_code") for e in errors)
    assert any(e.startswith("Row 5, column gross_pay") for e in errors)
    assert not Payslip.objects.exists() and not PayrollImport.objects.exists()

    wrong_net = GOOD.format(**nums).replace("1916.70", "1916.71")
    with pytest.raises(ValidationError) as exc:
        services.payroll_import(actor=people["payroll"].user, period=period, content=wrong_net)
    assert exc.value.message_dict["file"][0].startswith("Row 2, column net_pay")
    with pytest.raises(ValidationError, match="missing the column"):
        services.payroll_import(actor=people["payroll"].user, period=period, content="employee_number,net_pay\nE1,1\n")
    with pytest.raises(PermissionDenied):
        services.payroll_import(actor=people["hr"].user, period=period, content=GOOD.format(**nums))

    batch = services.payroll_import(actor=people["payroll"].user, period=period, content=GOOD.format(**nums))
    assert batch.row_count == 2
    assert Payslip.objects.get(employee=people["bob"]).net_pay == Decimal("2234.20")
    # re-importing the period replaces its payslips rather than doubling them
    services.payroll_import(actor=people["payroll"].user, period=period, content=GOOD.format(**nums))
    assert Payslip.objects.count() == 2


def test_payslip_import_names_an_unreadable_csv_and_reads_old_mac_line_endings(people, period):
    nums = {"alice": people["alice"].employee_number, "bob": people["bob"].employee_number}
    huge = GOOD.format(**nums) + f"{nums['alice']},{'x' * 200_000},0,0,0,0,0,0\n"
    with pytest.raises(ValidationError) as exc:
        services.payroll_import(actor=people["payroll"].user, period=period, content=huge)
    assert exc.value.message_dict["file"][0].startswith("Row 4: this is not a readable CSV file")
    assert not Payslip.objects.exists()

    batch = services.payroll_import(actor=people["payroll"].user, period=period,
                                    content=GOOD.format(**nums).replace("\n", "\r").encode())
    assert batch.row_count == 2


def test_payroll_import_page_shows_an_unreadable_csv_as_a_form_error(people, period, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people["payroll"].user)
    header = ",".join(services.PAYSLIP_COLUMNS).encode()
    upload = SimpleUploadedFile("p.csv", header + b"\n" + b"x" * 200_000 + b"\n", "text/csv")
    response = client.post(reverse("self_service:payroll_import"), {"period": period.pk, "file": upload})
    assert response.status_code == 200
    assert "not a readable CSV file" in response.content.decode()


def _pdf_text(pdf: bytes) -> str:
    """The strings drawn on an uncompressed reportlab page: (text) Tj operators."""
    return " ".join(m.decode("latin-1") for m in re.findall(rb"\((.*?)\) Tj", pdf))


def test_payslip_pdf_shows_the_right_figures(people, period):
    slip = Payslip.objects.create(employee=people["alice"], period=period, tax_code="1257L",
                                  gross_pay=Decimal("2500"), income_tax=Decimal("291.80"),
                                  national_insurance=Decimal("129"), pension=Decimal("162.50"),
                                  other_deductions=Decimal("0"), net_pay=Decimal("1916.70"))
    pdf = payslip_pdf(slip)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    for expected in ["Payslip: Period 1", "2,500.00", "291.80", "129.00", "162.50", "583.30", "1,916.70", "1257L",
                     people["alice"].employee_number]:
        assert expected in text


def test_payroll_officers_are_emailed_when_a_change_reaches_their_queue(people, password,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _bank(people, password)
    queue_mail = sorted(m.to[0] for m in mail.outbox if "Payroll queue" in m.subject)
    assert queue_mail == sorted([people["payroll"].email, people["payroll2"].email])


def test_wrong_passwords_are_audited_and_lock_bank_changes_for_a_while(people, password):
    for _ in range(services.BANK_PASSWORD_ATTEMPTS):
        with pytest.raises(ValidationError):
            _bank(people, "guess")
    assert AuditEntry.objects.filter(action="bank_details.password_failed", subject=people["bob"]).count() == 5
    with pytest.raises(ValidationError, match="too many times"):
        _bank(people, password)  # even the right password, until the window passes
    assert not Request.objects.exists()
    AuditEntry.objects.filter(action="bank_details.password_failed").update(
        created_at=timezone.now() - dt.timedelta(minutes=16))
    assert _bank(people, password).status == S.SUBMITTED


def test_a_name_from_the_directory_cannot_run_as_a_formula_in_the_payroll_export(people, overtime_for, period):
    alice = people["alice"]
    alice.last_name = '=HYPERLINK("http://evil.example","x")'
    alice.save(update_fields=["last_name"])
    services.request_approve(actor=people["manager"].user, request=overtime_for(alice))
    export = services.payroll_export(actor=people["payroll"].user, period=period)
    rows = list(csv.DictReader(io.StringIO(services.export_csv(export))))
    assert rows[0]["last_name"] == "'" + alice.last_name


def test_the_export_page_marks_what_is_held_back_as_the_export_holds_it(people, password, period, login,
                                                                         overtime_for):
    held = services.request_approve(actor=people["payroll"].user, request=_bank(people, password))
    ready = services.request_approve(actor=people["manager"].user, request=overtime_for(people["alice"]))
    assert services.export_held(period) == [held]
    body = login(people["payroll2"]).get(reverse("self_service:payroll_export"), {"period": period.pk}).content.decode()
    rows = {r.reference: row for row in body.split('<tr class="govuk-table__row">')[1:]
            for r in (held, ready) if r.reference in row}
    assert "Held: needs second check" in rows[held.reference]
    assert "Held" not in rows[ready.reference]
    services.bank_details_verify(actor=people["payroll2"].user, request=held, **REKEYED)
    assert services.export_held(period) == []
    assert "Held: needs second check" not in login(people["payroll"]).get(
        reverse("self_service:payroll_export"), {"period": period.pk}).content.decode()


@pytest.mark.parametrize("rekeyed", [{"sort_code": "309431", "account_number": "00733445"},
                                     {"sort_code": "309430", "account_number": "00733454"}])
def test_a_second_check_with_a_wrong_digit_blocks_the_export(people, password, period, rekeyed):
    r = services.request_approve(actor=people["payroll"].user, request=_bank(people, password))
    with pytest.raises(ValidationError) as exc:
        services.bank_details_verify(actor=people["payroll2"].user, request=r, **rekeyed)
    (field,) = exc.value.message_dict
    assert rekeyed[field] != REKEYED[field].replace("-", "")
    assert "does not match the one the employee gave" in exc.value.message_dict[field][0]
    assert BankDetailsChange.objects.get(request=r).verified_by is None
    failed = AuditEntry.objects.get(action="bank_details.verification_failed", object_id=str(r.pk))
    assert failed.actor == people["payroll2"].user and failed.changes == {"did_not_match": [None, field.replace("_", " ")]}
    assert rekeyed[field] not in str(failed.changes)
    assert services.export_held(period) == [r]
    export = services.payroll_export(actor=people["payroll"].user, period=period)
    assert export.row_count == 0 and not BankAccount.objects.filter(employee=people["bob"]).exists()
    with pytest.raises(ValidationError, match="Enter the new sort code"):  # nothing keyed is no check at all
        services.bank_details_verify(actor=people["payroll2"].user, request=r, account_number="00733445")
    # Keyed right, it is verified and goes in the next export.
    services.bank_details_verify(actor=people["payroll2"].user, request=r, **REKEYED)
    assert services.payroll_export(actor=people["payroll"].user, period=period).row_count == 1


def test_the_second_check_on_the_page_and_api_re_keys_the_details(people, password, login, api_as, period):
    r = services.request_approve(actor=people["payroll"].user, request=_bank(people, password))
    client = login(people["payroll2"])
    body = client.get(reverse("self_service:detail", args=[r.pk])).content.decode()
    assert "**-**-30" in body and "9430" not in body and "00733445" not in body
    assert 'name="sort_code"' in body and 'name="account_number"' in body
    url = reverse("self_service:transition", args=[r.pk, "verify"])
    resp = client.post(url, {"sort_code": "309430", "account_number": "00733444"}, follow=True)
    assert "The account number you keyed does not match" in resp.content.decode()
    assert BankDetailsChange.objects.get(request=r).verified_by is None
    api = api_as(people["payroll2"])
    api_url = reverse("self_service_api:request-transition", args=[r.pk, "verify"])
    resp = api.post(api_url, {"sort_code": "309430", "account_number": "1"}, format="json")
    assert resp.status_code == 400 and "account_number" in resp.json()
    assert AuditEntry.objects.filter(action="bank_details.verification_failed").count() == 2
    assert api.post(api_url, REKEYED, format="json").status_code == 200
    assert BankDetailsChange.objects.get(request=r).verified_by == people["payroll2"].user
    for who in ("bob", "payroll", "payroll2"):  # masked for everyone, the employee and payroll too
        assert "**-**-30" in login(people[who]).get(reverse("self_service:detail", args=[r.pk])).content.decode()
        assert api_as(people[who]).get(reverse("self_service_api:request", args=[r.pk])).json()["data"][
            "sort_code"] == "**-**-30"
