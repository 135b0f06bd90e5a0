"""Role profiles by rule (issue 14.8): HR writes rules from what the directory supplies (words in
the job title, grade, work style, unit and beneath); the changes they would make are previewed,
then applied in bulk, and applied again after every directory sync (a restructure moves people
between units and titles) or from the page.

A profile HR set by hand (EmployeeRoleProfile.rule empty) is never changed by a rule. A profile a
rule gave is changed when another rule now matches first, and removed (back to the default
profile) when none does. Reads here are one query each for rules, current profiles, the columns
the rules read of every person and the people who change, whatever the number of staff; the
matching itself is in Python."""

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.audit import active_set, audit_bulk, audit_record
from people.models import AuditEntry, Employee, OrgUnit

from . import permissions
from .models import EmployeeRoleProfile, RoleProfile, RoleProfileRule


@dataclass(frozen=True)
class ProfileChange:
    employee: Employee
    before: RoleProfile | None  # None: the default profile
    after: RoleProfile | None
    rule: RoleProfileRule | None  # the rule that matched (None: no rule matches any more)


def active_rules() -> list[RoleProfileRule]:
    return list(RoleProfileRule.objects.filter(is_active=True, profile__is_active=True)
                .select_related("profile", "unit").order_by("priority", "id"))


def rules_list():
    return RoleProfileRule.objects.select_related("profile", "unit").order_by("-is_active", "priority", "id")


def _matches(rule: RoleProfileRule, e) -> bool:
    if rule.job_title_contains and rule.job_title_contains.casefold() not in (e.job_title or "").casefold():
        return False
    if rule.grade and rule.grade.casefold() != (e.grade or "").strip().casefold():
        return False
    if rule.work_style and rule.work_style != e.work_style:
        return False
    if rule.unit_id:
        unit, mine = rule.unit, e.org_unit
        if mine is None or mine.tree_id != unit.tree_id or not unit.lft <= mine.lft <= unit.rght:
            return False
    return True


class _Unit(NamedTuple):
    tree_id: int
    lft: int
    rght: int


class _Person(NamedTuple):
    """What the rules read of an employee (`_matches` takes this or an Employee)."""
    job_title: str
    grade: str
    work_style: str
    org_unit: _Unit | None


_PERSON_FIELDS = ("pk", "job_title", "grade", "work_style", "org_unit__tree_id", "org_unit__lft", "org_unit__rght")


def profile_changes() -> list[ProfileChange]:
    """What applying the active rules now would change, person by person (active staff only).

    The rules are matched against plain rows (the few columns they read), and Employee instances
    are loaded only for the people whose profile changes: building 100,000 model instances (with
    their MPTT units) after every directory sync took seconds and hundreds of MB when nothing
    changed. With no active rule, only the people holding a rule-given profile can change."""
    rules = active_rules()
    current = {row.employee_id: row for row in EmployeeRoleProfile.objects.select_related("profile")}
    people = Employee.objects.filter(is_active=True).order_by("last_name", "first_name", "pk")
    if not rules:
        # Nothing matches: only the profiles rules gave change (back to the default), no query
        # over every member of staff.
        given = [pk for pk, row in current.items() if row.rule_id is not None]
        return [ProfileChange(e, current[e.pk].profile, None, None)
                for e in people.filter(pk__in=given).select_related("org_unit")]
    wanted = []  # (pk, before, after, rule), in name order
    for pk, title, grade, style, tree_id, lft, rght in people.values_list(*_PERSON_FIELDS):
        row = current.get(pk)
        if row is not None and row.rule_id is None:
            continue  # set by hand
        person = _Person(title, grade, style, _Unit(tree_id, lft, rght) if tree_id is not None else None)
        rule = next((r for r in rules if _matches(r, person)), None)
        after = rule.profile if rule else None
        before = row.profile if row else None
        if getattr(after, "pk", None) != getattr(before, "pk", None):
            wanted.append((pk, before, after, rule))
    employees = {}
    pks = [w[0] for w in wanted]
    for i in range(0, len(pks), 5000):
        employees.update(Employee.objects.select_related("org_unit").in_bulk(pks[i:i + 5000]))
    return [ProfileChange(employees[pk], before, after, rule) for pk, before, after, rule in wanted if pk in employees]


def changes_fingerprint(changes: list[ProfileChange]) -> str:
    """Names a preview: applying refuses if the changes are no longer the ones HR looked at."""
    text = ";".join(f"{c.employee.pk}:{getattr(c.before, 'pk', '')}>{getattr(c.after, 'pk', '')}" for c in changes)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _require_hr(actor) -> None:
    if actor is not None and not permissions.can_manage_framework(actor):
        raise PermissionDenied("Only HR can manage role profile rules.")


@transaction.atomic
def profile_rule_create(*, actor, profile: RoleProfile, job_title_contains: str = "", grade: str = "",
                        work_style: str = "", unit: OrgUnit | None = None, priority: int = 100) -> RoleProfileRule:
    _require_hr(actor)
    job_title_contains, grade = (job_title_contains or "").strip(), (grade or "").strip()
    if not (job_title_contains or grade or work_style or unit):
        raise DomainError("Give at least one condition: a job title, a grade, a work style or a unit.",
                          field="job_title_contains")
    if not profile.is_active:
        raise DomainError("That role profile is no longer in use.", field="profile")
    if work_style and work_style not in Employee.WorkStyle.values:
        raise DomainError("Choose a work style from the list.", field="work_style")
    rule = RoleProfileRule.objects.create(
        profile=profile, job_title_contains=job_title_contains, grade=grade, work_style=work_style, unit=unit,
        priority=priority, created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="skills.profile_rule_created", target=rule,
                 changes={"profile": [None, profile.code], "conditions": [None, rule.describe()],
                          "priority": [None, priority]})
    return rule


@transaction.atomic
def profile_rule_retire(*, actor, rule: RoleProfileRule) -> RoleProfileRule:
    """The rule stops matching; profiles it gave change at the next apply (preview first)."""
    _require_hr(actor)
    return active_set(actor=actor, obj=rule, is_active=False, action="skills.profile_rule_retired")


@transaction.atomic
def profile_rules_apply(*, actor=None, fingerprint: str | None = None) -> int:
    """Applies the rules' changes in bulk, with one audit entry per person changed; returns how many.
    With `fingerprint` (from the preview HR saw), refuses if the changes differ from it. `actor`
    None is the run after a directory sync (audited as a system change)."""
    _require_hr(actor)
    # One apply at a time (a sync's run and HR's button): lock the rules table's rows.
    list(RoleProfileRule.objects.select_for_update().values_list("pk", flat=True))
    changes = profile_changes()
    if fingerprint is not None and fingerprint != changes_fingerprint(changes):
        raise DomainError("The changes are no longer the ones you previewed (the directory or the rules changed). "
                          "Check the new preview and apply again.")
    if not changes:
        return 0
    now = timezone.now()
    user = actor if getattr(actor, "pk", None) else None
    removed = [c.employee.pk for c in changes if c.after is None]
    EmployeeRoleProfile.objects.filter(employee_id__in=removed, rule__isnull=False).delete()
    existing = {r.employee_id: r for r in EmployeeRoleProfile.objects.filter(
        employee_id__in=[c.employee.pk for c in changes if c.after is not None])}
    new, updated = [], []
    for c in changes:
        if c.after is None:
            continue
        row = existing.get(c.employee.pk)
        if row is None:
            new.append(EmployeeRoleProfile(employee=c.employee, profile=c.after, rule=c.rule, assigned_by=user))
        else:
            row.profile, row.rule, row.assigned_by, row.assigned_at = c.after, c.rule, user, now
            updated.append(row)
    EmployeeRoleProfile.objects.bulk_create(new)
    EmployeeRoleProfile.objects.bulk_update(updated, ["profile", "rule", "assigned_by", "assigned_at"])
    ct = ContentType.objects.get_for_model(Employee)
    audit_bulk([
        AuditEntry(actor=user, action="skills.role_profile_assigned", content_type=ct, object_id=str(c.employee.pk),
                   target_repr=str(c.employee)[:300], subject=c.employee,
                   changes={"role_profile": [getattr(c.before, "name", None), getattr(c.after, "name", None)]},
                   channel=AuditEntry.Channel.ONLINE if user else AuditEntry.Channel.SYSTEM,
                   note=f"By rule {c.rule.pk}: {c.rule.describe()}" if c.rule else "No rule matches any more")
        for c in changes
    ])
    return len(changes)
