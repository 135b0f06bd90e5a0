"""Bank details changes: asked for by the employee with their password, approved by payroll and
verified by a second payroll officer before the payroll export carries them."""

import datetime as dt
import hmac
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.auth import password_confirm
from core.errors import DomainError
from people.audit import audit_record, mask_value
from people.models import AuditEntry, Employee
from people.selectors import employee_for

from .. import actions, crypto, notify
from ..models import BankDetailsChange, Channel, Request, RequestType
from .records import S, request_audit, request_locked
from .requests import request_submit

ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .&/'-]{0,99}")


def _digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def mask_sort_code(sort_code: str) -> str:
    """A sort code as everyone but the payroll export sees it: only its last two digits."""
    return f"**-**-{_digits(sort_code)[-2:]}"


BANK_PASSWORD_ATTEMPTS = 5
BANK_PASSWORD_WINDOW = dt.timedelta(minutes=15)


def bank_details_request_submit(*, actor, employee: Employee, account_name: str, sort_code: str,
                                account_number: str, password: str, auth_backend: str | None = None,
                                channel: str = Channel.ONLINE) -> Request:
    """A bank details change: only by the employee, after re-entering the password they sign in with.
    `auth_backend` is the backend that signed them in (the session's, `BACKEND_SESSION_KEY`): the
    directory for staff who sign in with their network password, who have no local password. The
    details are encrypted at rest; the audit and pages only ever see the last digits; the email
    already on the record is told; payroll approves and a second payroll officer verifies before export.

    Not atomic itself: a wrong password is audited (and counted towards a short lock-out of bank
    changes, not of signing in) even though the request is refused; a directory that cannot be asked
    is neither (core.auth.PasswordCheckUnavailable). The change itself is written in one transaction."""
    me = employee_for(actor)
    if me is None or me.pk != employee.pk:
        raise PermissionDenied("Only the employee can change their own bank details.")
    failures = AuditEntry.objects.filter(actor=actor, action="bank_details.password_failed",
                                         created_at__gte=timezone.now() - BANK_PASSWORD_WINDOW).count()
    if failures >= BANK_PASSWORD_ATTEMPTS:
        raise ValidationError({"password": "You have entered a wrong password too many times. Try again in 15 "
                                           "minutes, or contact Payroll."})
    if not password_confirm(user=actor, password=password, backend_path=auth_backend):
        audit_record(actor=actor, action="bank_details.password_failed", target=employee, subject=employee,
                     channel=channel)
        left = BANK_PASSWORD_ATTEMPTS - failures - 1
        raise ValidationError({"password": "The password is not correct. Enter the password you sign in with. "
                                           + (f"After {left} more wrong {'try' if left == 1 else 'tries'} bank "
                                              "changes are locked for 15 minutes." if left else
                                              "Bank changes are now locked for 15 minutes.")})
    return _bank_details_request_create(actor=actor, employee=employee, account_name=account_name,
                                        sort_code=sort_code, account_number=account_number, channel=channel)


@transaction.atomic
def _bank_details_request_create(*, actor, employee: Employee, account_name: str, sort_code: str,
                                 account_number: str, channel: str) -> Request:
    errors = {}
    sort_code, account_number = _digits(sort_code), _digits(account_number)
    # ASCII digits only: r"\d" would take "１２３４５６" or "١٢٣٤٥٦", which no bank and no payroll CSV reads
    if not re.fullmatch(r"[0-9]{6}", sort_code):
        errors["sort_code"] = "Enter a valid sort code like 309430. It must be 6 digits."
    if not re.fullmatch(r"[0-9]{8}", account_number):
        errors["account_number"] = "Enter a valid account number like 00733445. It must be 8 digits."
    if not (account_name or "").strip():
        errors["account_name"] = "Enter the name on the account."
    elif not ACCOUNT_NAME.fullmatch(account_name.strip()):
        # It goes into the payroll export CSV and on to BACS: the letters, digits and marks a bank
        # takes, in ASCII; and a leading = + - @ would run as a spreadsheet formula.
        errors["account_name"] = ("The name on the account must start with a letter or a number, and use only "
                                  "letters A to Z, numbers, spaces and . & / - '")
    if errors:
        raise ValidationError(errors)
    rtype = RequestType.objects.filter(kind=RequestType.Kind.BANK_DETAILS, is_active=True).first()
    if rtype is None:
        raise DomainError("Bank details changes are not available. Contact Payroll.")
    data = {"account_name": account_name.strip(), "sort_code": mask_sort_code(sort_code),
            "account_number": mask_value(account_number)}
    request = Request.objects.create(type=rtype, employee=employee, submitted_by=actor, channel=channel, data=data,
                                     summary=f"New account {mask_value(account_number)}")
    BankDetailsChange.objects.create(
        request=request, account_name=account_name.strip(), sort_code_encrypted=crypto.encrypt(sort_code),
        account_number_encrypted=crypto.encrypt(account_number), account_last4=account_number[-4:],
    )
    request_audit(actor=actor, action="request.created", request=request, channel=channel,
                  changes={"status": [None, S.DRAFT], "account_name": [None, data["account_name"]],
                           "sort_code": ["", data["sort_code"]], "account_number": ["", data["account_number"]]})
    request = request_submit(actor=actor, request=request)
    notify.bank_details_change_requested(request, employee.email)
    return request


REKEY_FIELDS = {"sort_code": "sort code", "account_number": "account number"}


def bank_details_verify(*, actor, request: Request, sort_code: str = "", account_number: str = "",
                        channel: str = AuditEntry.Channel.ONLINE) -> Request:
    """The second payroll check: a different payroll officer re-keys the new sort code and account
    number as the employee confirms them (called back on the number on their record, or from their
    bank's letter). Nobody is shown them in full, so a match is a real check, not a button beside
    masked digits. A mismatch is refused and audited (`bank_details.verification_failed`, naming the
    fields, never the digits), and the change stays held from the payroll export until a re-keying
    matches.

    Not atomic as a whole: the mismatch's audit entry is committed before the refusal is raised."""
    keyed = {"sort_code": _digits(sort_code), "account_number": _digits(account_number)}
    with transaction.atomic():
        request = request_locked(request)
        actions.VERIFY.check(actor, request)
        missing = {f: f"Enter the new {label} as the employee confirms it to you."
                   for f, label in REKEY_FIELDS.items() if not keyed[f]}
        if missing:
            raise ValidationError(missing)
        details = BankDetailsChange.objects.select_for_update().get(request=request)
        stored = {"sort_code": crypto.decrypt(details.sort_code_encrypted),
                  "account_number": crypto.decrypt(details.account_number_encrypted)}
        wrong = [f for f in REKEY_FIELDS if not hmac.compare_digest(keyed[f].encode(), stored[f].encode())]
        if not wrong:
            details.verified_by, details.verified_at = actor, timezone.now()
            details.save(update_fields=["verified_by", "verified_at"])
            request_audit(actor=actor, action="bank_details.verified", request=request, channel=channel,
                          changes={"verified_by": [None, actor.get_username()]})
            return request
        request_audit(actor=actor, action="bank_details.verification_failed", request=request, channel=channel,
                      changes={"did_not_match": [None, ", ".join(REKEY_FIELDS[f] for f in wrong)]})
    raise ValidationError({
        f: f"The {REKEY_FIELDS[f]} you keyed does not match the one the employee gave. Check it with them; "
           "the change stays held from the payroll export until it matches." for f in wrong})
