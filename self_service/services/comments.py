"""Comments on a request and the employee's satisfaction rating."""

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import AuditEntry

from .. import actions
from ..models import Comment, Request
from .records import request_audit, request_locked

COMMENT_MAX_LENGTH = 4000  # as the page form and the API serializer


@transaction.atomic
def comment_add(*, actor, request: Request, body: str, channel: str = AuditEntry.Channel.ONLINE) -> Comment:
    actions.COMMENT.check(actor, request)
    if not body.strip():
        raise ValidationError({"body": "Enter a comment."})
    if len(body.strip()) > COMMENT_MAX_LENGTH:
        raise ValidationError({"body": f"Enter a comment of at most {COMMENT_MAX_LENGTH:,} characters "
                                       f"(this one has {len(body.strip()):,})."})
    comment = Comment.objects.create(request=request, author=actor, body=body.strip(), status_at_time=request.status)
    request_audit(actor=actor, action="request.commented", request=request, channel=channel)
    return comment


@transaction.atomic
def rating_record(*, actor, request: Request, rating: int) -> Request:
    """The one-question satisfaction rating, given once by the employee when the request is closed."""
    request = request_locked(request)
    actions.RATE.check(actor, request)
    if rating not in range(1, 6):
        raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    before = request.rating
    request.rating = rating
    request.save(update_fields=["rating", "updated_at"])
    request_audit(actor=actor, action="request.rated", request=request, changes={"rating": [before, rating]})
    return request
