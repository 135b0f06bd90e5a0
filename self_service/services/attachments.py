"""Files added to a request: checked for type, size and content, stored privately under a random name."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import AuditEntry

from .. import actions
from ..models import Attachment, Request
from .records import request_audit

ATTACHMENT_TYPES = {
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ATTACHMENTS = 10
_MAGIC = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8", ".jpeg": b"\xff\xd8", ".docx": b"PK", ".xlsx": b"PK"}


@transaction.atomic
def attachment_add(*, actor, request: Request, upload, channel: str = AuditEntry.Channel.ONLINE) -> Attachment:
    actions.ATTACH.check(actor, request)
    name = upload.name.rsplit("/", 1)[-1][:200]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError({"file": "The selected file must be a PDF, JPG, PNG, Word (.docx) or Excel (.xlsx) file."})
    limit = settings.SELF_SERVICE_ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError({"file": f"The selected file must be smaller than {settings.SELF_SERVICE_ATTACHMENT_MAX_MB} MB."})
    if upload.size == 0:
        raise ValidationError({"file": "The selected file is empty."})
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(_MAGIC[ext]):
        raise ValidationError({"file": f"The selected file is not a real {ext[1:].upper()} file."})
    if request.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": f"A request can have at most {MAX_ATTACHMENTS} files."})
    att = Attachment(request=request, original_name=name, content_type=ATTACHMENT_TYPES[ext], size=upload.size,
                     uploaded_by=actor)
    # A random stored name as well as private storage (never served by the reverse proxy): should the
    # private volume ever be exposed by mistake, a guessable path would still not open fit notes.
    att.file.save(f"{secrets.token_urlsafe(24)}{ext}", upload, save=False)
    att.save()
    request_audit(actor=actor, action="request.attachment_added", request=request, channel=channel,
                  changes={"attachment": [None, name]})
    return att
