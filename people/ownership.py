"""Who owns each field of an employee record: the one place the profile editor (page and API), the
edit page's explanations and the directory sync all read.

- Directory-owned fields are written by the directory sync (ldap_sync) from the council's
  directory, so a change made on the intranet would be put back by the next sync. Nobody edits
  them here; the edit page says where to change each one.
- Everything else is the intranet's: the employee's own (`SELF_EDITABLE_FIELDS`) or HR's.

A record is directory-managed when the sync has matched it to a directory entry (`directory_id`
set). A council without a directory sync, or someone not in the directory, owns every field on the
intranet: their phones are theirs to edit.
"""

from .models import Employee

# The directory's fields, in the sync's column order, each with how a member of staff gets it
# changed. `org_unit` is the foreign key (the sync writes org_unit_id).
DIRECTORY_FIELDS: dict[str, str] = {
    "employee_number": "HR change it in the council's directory.",
    "first_name": "Make a change of name request; HR update the directory.",
    "last_name": "Make a change of name request; HR update the directory.",
    "email": "Ask the IT service desk: they change it in the council's directory.",
    "job_title": "Ask your line manager: HR change it in the council's directory.",
    "org_unit": "Ask your line manager: HR change it in the council's directory.",
    "work_phone": "Ask the IT service desk to change it in the council's directory.",
    "mobile_phone": "Ask the IT service desk to change it in the council's directory.",
}

# Fields an employee may change on their own record, unless the directory owns them for them.
SELF_EDITABLE_FIELDS = ("preferred_name", "work_phone", "mobile_phone", "location", "work_style")


def is_directory_managed(employee: Employee) -> bool:
    return bool(employee.directory_id)


def directory_owned(employee: Employee) -> dict[str, str]:
    """{field: how to change it} for the fields the directory owns on this record (none when the
    record is not directory-managed)."""
    return DIRECTORY_FIELDS if is_directory_managed(employee) else {}


def self_editable_fields(employee: Employee) -> tuple[str, ...]:
    """What this employee may change themselves: the self-editable fields the directory does not own."""
    owned = directory_owned(employee)
    return tuple(f for f in SELF_EDITABLE_FIELDS if f not in owned)


def synced_columns() -> tuple[str, ...]:
    """The employee columns the directory sync writes (foreign keys by their column name)."""
    return tuple(Employee._meta.get_field(f).attname for f in DIRECTORY_FIELDS)
