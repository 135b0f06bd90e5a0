"""Payroll: importing payslips and exporting approved changes for a pay period."""

import csv
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.exports import spreadsheet_safe
from people.audit import audit_record
from people.models import AuditEntry, Employee

from .. import crypto, permissions, selectors
from ..models import BankAccount, PayPeriod, PayrollExport, PayrollImport, Payslip, RequestType
from .approvals import request_process

PAYSLIP_COLUMNS = ["employee_number", "tax_code", "gross_pay", "income_tax", "national_insurance", "pension",
                   "other_deductions", "net_pay"]
MONEY_COLUMNS = PAYSLIP_COLUMNS[2:]


def payroll_import(*, actor, period: PayPeriod, content: bytes | str, filename: str = "payslips.csv") -> PayrollImport:
    """Import a pay period's payslips from CSV: all or nothing.

    Format (UTF-8, comma separated, a header row then one row per employee)::

        employee_number,tax_code,gross_pay,income_tax,national_insurance,pension,other_deductions,net_pay
        E000123,1257L,2500.00,291.80,129.00,162.50,0.00,1916.70

    Money in pounds with up to 2 decimal places, no currency sign or thousands separators. net_pay
    must equal gross_pay less the four deductions. Each employee appears once. Re-importing a period
    replaces its payslips. Errors name the row (as a spreadsheet shows it: the header is row 1) and
    the column; when there is any error nothing is written.
    """
    if not permissions.can_use_payroll(actor):
        raise PermissionDenied("Only payroll can import payslips.")
    if period.is_closed:
        raise ValidationError({"period": f"{period.name} is closed: choose an open pay period."})
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": ["The file must be a UTF-8 CSV file."]}) from exc
    # newline=None: files saved with old Mac line endings (a bare CR) read like any other.
    reader = csv.DictReader(io.StringIO(content, newline=None))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in PAYSLIP_COLUMNS if c not in header]
        if missing:
            raise ValidationError({"file": [f"Row 1: the header is missing the column(s) {', '.join(missing)}."]})
        reader.fieldnames = header
        rows = list(reader)
    except csv.Error as exc:  # e.g. a value longer than the csv module's field limit
        raise ValidationError({"file": [f"Row {reader.line_num + 1}: this is not a readable CSV file ({exc})."]}) from exc
    if not rows:
        raise ValidationError({"file": ["The file has no payslip rows."]})
    numbers = {(r.get("employee_number") or "").strip() for r in rows}
    employees = {e.employee_number: e for e in Employee.objects.filter(employee_number__in=numbers)}
    errors, payslips, seen = [], [], {}
    for i, row in enumerate(rows, start=2):
        number = (row.get("employee_number") or "").strip()
        if None in row:
            errors.append(f"Row {i}: has more values than the header has columns.")
            continue
        emp = employees.get(number)
        if not number:
            errors.append(f"Row {i}, column employee_number: enter the employee number.")
        elif emp is None:
            errors.append(f"Row {i}, column employee_number: no employee has the number {number}.")
        elif number in seen:
            errors.append(f"Row {i}, column employee_number: {number} is already on row {seen[number]}.")
        seen.setdefault(number, i)
        tax_code = (row.get("tax_code") or "").strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{1,10}", tax_code):
            errors.append(f"Row {i}, column tax_code: enter a tax code like 1257L.")
        money = {}
        for col in MONEY_COLUMNS:
            raw = (row.get(col) or "").strip()
            try:
                value = Decimal(raw)
                if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2 or value >= Decimal("1e8"):
                    raise InvalidOperation
                money[col] = value
            except InvalidOperation:
                errors.append(f"Row {i}, column {col}: “{raw}” is not an amount in pounds like 1234.56.")
        if len(money) == len(MONEY_COLUMNS):
            expected = money["gross_pay"] - sum(money[c] for c in ("income_tax", "national_insurance", "pension",
                                                                   "other_deductions"))
            if expected != money["net_pay"]:
                errors.append(f"Row {i}, column net_pay: {money['net_pay']} does not equal gross pay less "
                              f"deductions ({expected}).")
        if emp is not None and len(money) == len(MONEY_COLUMNS):
            payslips.append(Payslip(employee=emp, period=period, tax_code=tax_code, **money))
    if errors:
        raise ValidationError({"file": errors})
    with transaction.atomic():
        replaced = Payslip.objects.filter(period=period).delete()[0]
        batch = PayrollImport.objects.create(period=period, filename=filename[:200], row_count=len(payslips),
                                             imported_by=actor)
        for p in payslips:
            p.payroll_import = batch
        Payslip.objects.bulk_create(payslips, batch_size=1000)
        audit_record(actor=actor, action="payroll.imported", target=batch, channel=AuditEntry.Channel.ONLINE,
                     changes={"payslips": [replaced, len(payslips)]}, note=f"{period.code} from {filename}")
    return batch


EXPORT_COLUMNS = ["period", "employee_number", "last_name", "first_name", "change_type", "reference", "approved_on",
                  "effective_date", "hours", "amount", "details", "account_name", "sort_code", "account_number"]
_EXPORT_SKIP = {"effective_date", "date", "hours", "amount", "account_name", "sort_code", "account_number"}


def _held(r) -> bool:
    return r.type.kind == RequestType.Kind.BANK_DETAILS and not r.bank_details.verified_by_id


def export_held(period: PayPeriod, *, candidates=None) -> list:
    """Bank details changes held back from the export until a second payroll officer verifies them.
    Pass `candidates` (the period's `selectors.export_candidates`) when they are already read."""
    return [r for r in (selectors.export_candidates(period) if candidates is None else candidates) if _held(r)]


@transaction.atomic
def payroll_export(*, actor, period: PayPeriod) -> PayrollExport:
    """Export approved payroll-affecting changes approved by the period's cut-off (later ones wait
    for the next period) and mark them processed. Unverified bank details are held back."""
    if not permissions.can_use_payroll(actor):
        raise PermissionDenied("Only payroll can export changes.")
    if period.is_closed:
        raise ValidationError({"period": f"{period.name} is closed: choose an open pay period."})
    candidates = list(selectors.export_candidates(period).select_for_update(of=("self",)))
    export = PayrollExport.objects.create(period=period, created_by=actor, content_encrypted=b"")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    included = []
    for r in candidates:
        bank = {"account_name": "", "sort_code": "", "account_number": ""}
        if _held(r):
            continue
        if r.type.kind == RequestType.Kind.BANK_DETAILS:
            d = r.bank_details
            bank = {"account_name": d.account_name, "sort_code": crypto.decrypt(d.sort_code_encrypted),
                    "account_number": crypto.decrypt(d.account_number_encrypted)}
        details = "; ".join(f"{k}={v}" for k, v in r.data.items() if k not in _EXPORT_SKIP and v not in ("", None))
        writer.writerow([
            period.code, r.employee.employee_number or "", spreadsheet_safe(r.employee.last_name),
            spreadsheet_safe(r.employee.first_name), r.type.code,
            r.reference, timezone.localtime(r.decided_at).date().isoformat(),
            r.data.get("effective_date") or r.data.get("date") or "", r.data.get("hours", ""),
            r.data.get("amount", ""), spreadsheet_safe(details), bank["account_name"], bank["sort_code"], bank["account_number"],
        ])
        included.append((r, bank))
    export.row_count = len(included)
    export.content_encrypted = crypto.encrypt(out.getvalue())
    export.save(update_fields=["row_count", "content_encrypted"])
    for r, bank in included:
        if r.type.kind == RequestType.Kind.BANK_DETAILS:
            BankAccount.objects.update_or_create(employee=r.employee, defaults={
                "account_name": bank["account_name"], "sort_code_encrypted": r.bank_details.sort_code_encrypted,
                "account_number_encrypted": r.bank_details.account_number_encrypted,
                "account_last4": r.bank_details.account_last4})
        request_process(actor=actor, request=r, _export=export)
    audit_record(actor=actor, action="payroll.exported", target=export, changes={"rows": [None, len(included)]},
                 note=period.code)
    return export


def export_csv(export: PayrollExport) -> str:
    return crypto.decrypt(export.content_encrypted)


@transaction.atomic
def payroll_export_open(*, actor, export: PayrollExport) -> str:
    """The CSV of an earlier export for a payroll officer. It carries bank details in clear, so each
    download is audited."""
    if not permissions.can_use_payroll(actor):
        raise PermissionDenied("Only payroll can download payroll exports.")
    audit_record(actor=actor, action="payroll.export_downloaded", target=export, note=export.period.code)
    return export_csv(export)
