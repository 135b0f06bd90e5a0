"""Demo: the seeded council exported as an LDIF file and synced back through the same pipeline
IT would run against their directory, so `make demo` shows real runs offline. The export adds a new
starter in a department the org tree lacks (placed in the holding unit) and one entry with a bad
phone number (skipped, with its reason on the run page)."""

import uuid
from pathlib import Path

from django.conf import settings

from people.models import Employee

from .config import SourceConfig
from .services import directory_sync

DEMO_BASE = "ou=staff,dc=demo,dc=council"


def _dn(number: str) -> str:
    return f"uid=e{number},{DEMO_BASE}"


def _entry(dn: str, attrs: dict) -> str:
    lines = [f"dn: {dn}", "objectClass: inetOrgPerson"]
    lines += [f"{k}: {v}" for k, v in attrs.items() if v]
    return "\n".join(lines) + "\n\n"


def write_demo_ldif(path: Path, *, rng) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("version: 1\n\n")
        staff = (Employee.objects.filter(is_active=True, employee_number__isnull=False)
                 .select_related("org_unit", "line_manager").order_by("pk"))
        head_number = None
        for e in staff.iterator(chunk_size=2000):
            manager = e.line_manager.employee_number if e.line_manager and e.line_manager.employee_number else None
            head_number = head_number or e.employee_number
            f.write(_entry(_dn(e.employee_number), {
                "uid": f"e{e.employee_number}", "cn": f"{e.first_name} {e.last_name}",
                "givenName": e.first_name, "sn": e.last_name, "employeeNumber": e.employee_number,
                "entryUUID": e.directory_id or uuid.UUID(int=rng.getrandbits(128), version=4), "mail": e.email,
                "title": e.job_title, "departmentNumber": e.org_unit.code if e.org_unit else "",
                "telephoneNumber": e.work_phone, "mobile": e.mobile_phone,
                "manager": _dn(manager) if manager else "", "modifyTimestamp": "20260101090000Z",
            }))
            written += 1
        f.write(_entry(_dn("990001"), {
            "uid": "e990001", "cn": "Noor Starter", "givenName": "Noor", "sn": "Starter",
            "employeeNumber": "990001", "entryUUID": uuid.UUID(int=rng.getrandbits(128), version=4),
            "mail": "noor.starter@council.example", "title": "Climate Officer",
            "departmentNumber": "Climate Emergency Unit", "manager": _dn(head_number) if head_number else "",
            "modifyTimestamp": "20260102090000Z",
        }))
        f.write(_entry(_dn("990002"), {
            "uid": "e990002", "cn": "Bad Phone", "givenName": "Bev", "sn": "Phone", "employeeNumber": "990002",
            "entryUUID": uuid.UUID(int=rng.getrandbits(128), version=4), "telephoneNumber": "ask reception",
        }))
    return written + 2


def seed_directory(*, rng, staff_count: int, stdout) -> None:
    path = Path(settings.BASE_DIR) / ".local" / "demo-directory.ldif"
    count = write_demo_ldif(path, rng=rng)
    config = SourceConfig(name="demo-export", kind="ldif", path=str(path), base_dn=DEMO_BASE,
                          attributes={"department": "departmentNumber"})
    run = directory_sync(config=config, full=True)
    stdout.write(f"Directory sync: {count:,} entries exported to {path.name} and synced back "
                 f"(run {run.pk}: {run.counts.get('updated', 0):,} linked, {run.counts.get('created', 0)} new, "
                 f"{run.counts.get('skipped', 0)} skipped).")
