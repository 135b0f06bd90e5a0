"""Reads that are audited: who opened an attachment (fit notes, evidence) and who looked at a bank
details change. Each is one AuditEntry against the employee it concerns, so HR's audit search and
the employee's own history show it."""

from django.db import transaction

from people.audit import audit_record
from people.models import AuditEntry

from ..models import Attachment, Request


@transaction.atomic
def attachment_download_record(*, actor, attachment: Attachment, channel=AuditEntry.Channel.ONLINE) -> None:
    request = attachment.request
    audit_record(actor=actor, action="attachment.downloaded", target=attachment, subject=request.employee,
                 channel=channel, note=f"{attachment.original_name} on {request.reference}")


@transaction.atomic
def bank_details_view_record(*, actor, request: Request, channel=AuditEntry.Channel.ONLINE) -> None:
    """A bank details change opened (page or API); what was shown is masked, the look is recorded."""
    audit_record(actor=actor, action="bank_details.viewed", target=request, subject=request.employee,
                 channel=channel, note=request.reference)
