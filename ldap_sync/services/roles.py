"""Roles from directory groups: the grants a run reads (kept by stable id, so someone who signs in
for the first time later gets theirs at once), the grants read for one person at sign-in, and the
Django groups made to match them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.functions import Lower

from people.audit import audit_bulk, audit_record
from people.models import AuditEntry, Employee

from ..models import RoleGrant
from ..sources import Source
from .entries import BATCH_SIZE
from .run_state import RunContext, RunLog, employee_names


def role_grants_sync(ctx: RunContext, source: Source) -> None:
    """Replace this source's grants with the groups' members now, then the Django groups. A role
    group the directory does not have (a typo in LDAP_GROUP_ROLES, a deleted group) is reported and
    its role's grants are kept: a missing group never revokes a role from everyone."""
    config, log = ctx.config, ctx.log
    missing = [dn for dn in config.group_roles if not source.group_exists(dn)]
    for dn in missing:
        log.error(f"role group for '{config.group_roles[dn]}' not found in the directory, so nobody's "
                  f"'{config.group_roles[dn]}' role was changed: check LDAP_GROUP_ROLES", dn=dn, kind="role_groups_missing")
        log.notice(f"Role group {dn} ('{config.group_roles[dn]}') was not found: its grants were kept. "
                   "Check LDAP_GROUP_ROLES.")
    grants: set[tuple[str, str]] = set()
    for group_dn, role in config.group_roles.items():
        if group_dn in missing:
            continue
        member_keys, member_ids = [], []
        for kind, value in source.group_members(group_dn):
            (member_ids if kind == "id" else member_keys).append(value)
        member_ids.extend(_directory_ids_for_dns(ctx, member_keys))
        grants.update((did, role) for did in member_ids)
    grants = _active_staff_only(ctx, grants)
    before = set(RoleGrant.objects.filter(source=config.name).values_list("directory_id", "role"))
    kept_roles = {config.group_roles[dn] for dn in missing}
    grants |= {(did, role) for did, role in before if role in kept_roles}
    added, removed = grants - before, before - grants
    RoleGrant.objects.filter(source=config.name).delete()
    RoleGrant.objects.bulk_create(
        [RoleGrant(source=config.name, directory_id=d, role=r) for d, r in grants], batch_size=BATCH_SIZE
    )
    _log_and_audit(ctx, added, removed)
    granted, taken = apply_directory_roles(source=config.name, roles=set(config.group_roles.values()))
    log.counts["roles_granted"] += granted
    log.counts["roles_removed"] += taken


def _active_staff_only(ctx: RunContext, grants: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Roles go to active employees only: not to a leaver still in the group, nor to an account the
    sync did not take (an entry it skipped), which has no record to sign in to or to name."""
    ids = list({did for did, _role in grants})
    active: dict[str, bool] = {}
    for i in range(0, len(ids), 5000):
        active.update(Employee.objects.filter(directory_id__in=ids[i:i + 5000]).values_list("directory_id", "is_active"))
    outsiders = len(set(ids) - active.keys())
    if outsiders:
        ctx.log.notice(f"{outsiders} member{'s' if outsiders > 1 else ''} of role groups {'are' if outsiders > 1 else 'is'} "
                       "not a synced employee (an entry the run skipped): no role was recorded for them.")
    return {(did, role) for did, role in grants if active.get(did)}


def _directory_ids_for_dns(ctx: RunContext, keys: list[str]) -> list[str]:
    """Stable ids of the employees with these DN keys: those this run read, then (an incremental
    run reads only the changed entries) the others by their stored DN."""
    pks = [ctx.dn_to_pk[k] for k in keys if k in ctx.dn_to_pk]
    rest = [k for k in keys if k not in ctx.dn_to_pk]
    out = []
    for i in range(0, len(pks), 5000):
        out.extend(Employee.objects.filter(pk__in=pks[i:i + 5000]).values_list("directory_id", flat=True))
    for i in range(0, len(rest), 5000):
        out.extend(Employee.objects.annotate(dn=Lower("directory_dn")).filter(dn__in=rest[i:i + 5000])
                   .exclude(directory_id__isnull=True).values_list("directory_id", flat=True))
    return out


def _log_and_audit(ctx: RunContext, added: set, removed: set) -> None:
    """The run log (capped) and one audit entry per person whose directory role changed."""
    log = ctx.log
    changed = sorted(added | removed)
    who = dict(Employee.objects.filter(directory_id__in=[d for d, _r in changed]).values_list("directory_id", "pk"))
    names = employee_names(who.values())
    audits = []
    for did, role in changed:
        granted = (did, role) in added
        pk = who.get(did)
        if pk is None:
            continue  # a grant for an account that is no employee's: nobody to name or audit
        name = names[pk]
        log.change("role granted" if granted else "role removed", name, did,
                   {"role": [None, role] if granted else [role, None]})
        audits.append(ctx.audit.entry(pk, name, "employee.directory_role_granted" if granted
                                      else "employee.directory_role_removed",
                                      {"role": [None, role] if granted else [role, None]}))
    if audits and not ctx.dry_run:
        audit_bulk(audits)


def role_grants_from_sign_in(*, source: str, employee: Employee, group_roles: dict,
                             membership: dict[str, bool | None]) -> tuple[int, int]:
    """What the directory says at sign-in is authoritative for this person, for revoking as well
    as granting: replace their grants from `source` with the groups they are in now, then their
    Django groups. A group the directory does not have (None) changes nobody's role."""
    wanted = {role for dn, role in group_roles.items() if membership.get(dn)}
    unknown = {role for dn, role in group_roles.items() if membership.get(dn) is None} - wanted
    before = set(RoleGrant.objects.filter(source=source, directory_id=employee.directory_id)
                 .values_list("role", flat=True))
    after = wanted | (before & unknown)
    if after != before:
        RoleGrant.objects.filter(source=source, directory_id=employee.directory_id, role__in=before - after).delete()
        RoleGrant.objects.bulk_create([RoleGrant(source=source, directory_id=employee.directory_id, role=r)
                                       for r in after - before], ignore_conflicts=True)
        for role in sorted(after ^ before):
            granted = role in after
            audit_record(actor=None, action="employee.directory_role_granted" if granted
                         else "employee.directory_role_removed", target=employee, subject=employee,
                         changes={"role": [None, role] if granted else [role, None]},
                         channel=AuditEntry.Channel.DIRECTORY, note=f"Read from the directory at sign-in ({source})")
    return apply_directory_roles(source=source, roles=set(group_roles.values()), employee_ids=[employee.pk])


def apply_directory_roles(*, source: str, roles: set[str], employee_ids: list[int] | None = None) -> tuple[int, int]:
    """Make the Django groups named in `roles` match the directory's grants for employees with a
    sign-in account. Roles not mapped from the directory are left alone (granted in the admin)."""
    if not roles:
        return 0, 0
    User = get_user_model()
    through = User.groups.through
    groups = {name: Group.objects.get_or_create(name=name)[0].pk for name in roles}
    employees = Employee.objects.filter(user__isnull=False, directory_id__isnull=False)
    if employee_ids is not None:
        employees = employees.filter(pk__in=employee_ids)
    user_of = dict(employees.values_list("directory_id", "user_id"))
    desired = {
        (user_of[did], groups[role])
        for did, role in RoleGrant.objects.filter(source=source, role__in=roles,
                                                  directory_id__in=list(user_of)).values_list("directory_id", "role")
    }
    current = set(through.objects.filter(user_id__in=list(user_of.values()), group_id__in=groups.values())
                  .values_list("user_id", "group_id"))
    add, remove = desired - current, current - desired
    through.objects.bulk_create([through(user_id=u, group_id=g) for u, g in add], ignore_conflicts=True)
    # One DELETE per role (there are a handful), not one per person losing it.
    for g in set(groups.values()):
        losing = [u for u, group in remove if group == g]
        for i in range(0, len(losing), BATCH_SIZE):
            through.objects.filter(group_id=g, user_id__in=losing[i:i + BATCH_SIZE]).delete()
    return len(add), len(remove)


def leaver_roles_revoke(*, employee_pks: list[int], audit_entry, log: RunLog | None = None) -> int:
    """A leaver keeps no role the directory gave them: their grants go, with the Django groups those
    grants made, one audit entry each (`audit_entry(pk, name, action, changes)` builds it). Returns
    how many grants went."""
    rows = Employee.objects.filter(pk__in=employee_pks, directory_id__isnull=False).values_list(
        "pk", "directory_id", "user_id", "first_name", "last_name", "preferred_name")
    by_id = {did: (pk, user, Employee.name_from(first, last, pref)) for pk, did, user, first, last, pref in rows}
    if not by_id:
        return 0
    grants = list(RoleGrant.objects.filter(directory_id__in=list(by_id)).values_list("pk", "directory_id", "role"))
    if not grants:
        return 0
    RoleGrant.objects.filter(pk__in=[pk for pk, _did, _role in grants]).delete()
    through = get_user_model().groups.through
    group_of = dict(Group.objects.filter(name__in={role for _pk, _did, role in grants}).values_list("name", "pk"))
    audits, losing = [], {}
    for did, role in sorted({(did, role) for _pk, did, role in grants}):  # a role from two sources is one
        pk, user, name = by_id[did]
        if user and role in group_of:
            losing.setdefault(group_of[role], []).append(user)
        changes = {"role": [role, None]}
        audits.append(audit_entry(pk, name, "employee.directory_role_removed", changes))
        if log is not None:
            log.change("role removed", name, did, changes)
    for group, users in losing.items():  # one DELETE per role, not per person
        through.objects.filter(group_id=group, user_id__in=users).delete()
    audit_bulk(audits)
    if log is not None:
        log.counts["roles_removed"] += len(audits)
    return len(audits)
