"""Writes for self-service, one module per workflow. Each function is one atomic change with its
audit entry; who may do what to a request is `actions.py`, whose checks the services run on the row
they have locked, so the API and pages cannot skip them.

    requests.py       make, change, send and withdraw a request
    routing.py        who decides each level of the approval chain (and telling them)
    approvals.py      approve, reject, return (one by one or in bulk); mark processed
    leave.py          annual leave: days charged, overlap and balance checks
    attachments.py    files on a request
    access.py         audited reads: attachment downloads, bank details views
    comments.py       comments and the satisfaction rating
    bank_details.py   bank details changes and their second payroll check
    payroll.py        payslip import, payroll export
    pay_periods.py    pay periods: create, change, close
    setup.py          request types, working patterns, acting-manager delegations
    reminders.py      daily reminders and escalation
    request_actions.py  an action by its name, for the page POST and the API
    records.py        the request row lock and audit every write uses

Locks: transitions take a row lock on the request (`records.request_locked`) so two approvers clicking
at once cannot both decide it; callers need do nothing.

Import from here (`from self_service import services`); the modules are how the code is kept, not
an interface.
"""

from .access import attachment_download_record, bank_details_view_record
from .approvals import request_approve, request_process, request_reject, request_return, requests_bulk_approve
from .attachments import ATTACHMENT_TYPES, MAX_ATTACHMENTS, attachment_add
from .bank_details import (
    BANK_PASSWORD_ATTEMPTS,
    BANK_PASSWORD_WINDOW,
    bank_details_request_submit,
    bank_details_verify,
)
from .comments import comment_add, rating_record
from .leave import leave_days
from .pay_periods import pay_period_close, pay_period_save
from .payroll import (
    EXPORT_COLUMNS,
    MONEY_COLUMNS,
    PAYSLIP_COLUMNS,
    export_csv,
    export_held,
    payroll_export,
    payroll_export_open,
    payroll_import,
)
from .records import BANK_FIELDS, DATA_FIELDS, ROUTE_FIELDS
from .reminders import (
    approval_escalations_run,
    approval_reminders_send,
    request_escalate,
    request_queue_escalate,
    request_reminder_sent,
)
from .request_actions import request_action_run
from .requests import request_create, request_submit, request_update, request_withdraw
from .routing import levels_for
from .setup import TYPE_FIELDS, delegation_create, delegation_end, request_type_save, working_pattern_set

__all__ = [
    "ATTACHMENT_TYPES", "BANK_FIELDS", "BANK_PASSWORD_ATTEMPTS", "BANK_PASSWORD_WINDOW", "DATA_FIELDS",
    "EXPORT_COLUMNS", "MAX_ATTACHMENTS", "MONEY_COLUMNS", "PAYSLIP_COLUMNS", "ROUTE_FIELDS", "TYPE_FIELDS",
    "approval_escalations_run", "approval_reminders_send", "attachment_add", "attachment_download_record",
    "bank_details_view_record", "bank_details_request_submit",
    "bank_details_verify", "comment_add", "delegation_create", "delegation_end", "export_csv", "export_held",
    "leave_days", "levels_for", "pay_period_close", "pay_period_save", "payroll_export", "payroll_export_open",
    "payroll_import", "rating_record",
    "request_action_run", "request_approve", "request_create", "request_escalate", "request_process",
    "request_queue_escalate", "request_reminder_sent",
    "request_reject", "request_return", "request_submit", "request_type_save", "request_update",
    "request_withdraw", "requests_bulk_approve", "working_pattern_set",
]
