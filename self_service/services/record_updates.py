"""An approved personal-details request changes the employee's record, not only the request: which
request field goes to which field of the record (people.services.employee_record_update_from_request
writes and audits it). Keyed by the shipped types' codes; a type not listed changes no record."""

from people import services as people_services

from ..models import Request
from .records import request_audit

RECORD_FIELDS: dict[str, dict[str, str]] = {
    "home-address": {"address": "home_address", "postcode": "home_postcode"},
    "personal-contact": {"personal_phone": "personal_phone", "personal_email": "personal_email"},
    "emergency-contacts": {"contact_name": "emergency_contact_name", "relationship": "emergency_contact_relationship",
                           "contact_phone": "emergency_contact_phone"},
    "name-change": {"new_first_name": "first_name", "new_last_name": "last_name"},
}


def employee_record_update(*, actor, request: Request, channel: str) -> None:
    """Called inside the approval's transaction once a request is approved at its last level."""
    mapping = RECORD_FIELDS.get(request.type.code)
    if not mapping:
        return
    values = {record_field: request.data.get(data_field) for data_field, record_field in mapping.items()}
    left = people_services.employee_record_update_from_request(
        actor=actor, employee=request.employee, values=values, source=request.reference, channel=channel)
    note = "Written to the employee record."
    if left:
        note += (f" The council's directory owns {' and '.join(f.replace('_', ' ') for f in left)} for this "
                 "employee: change it there too (a change here would be undone by the next sync).")
    request_audit(actor=actor, action="request.record_updated", request=request, channel=channel, note=note)
