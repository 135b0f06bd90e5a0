"""Roles from directory groups: the grants a full run reads (kept by stable id, so someone who
signs in for the first time later gets theirs at once) and the Django groups made to match them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from people.models import Employee

from ..models import RoleGrant
from ..sources import Source
from .entries import BATCH_SIZE
from .run_state import RunContext


def role_grants_sync(ctx: RunContext, source: Source) -> None:
    """Full runs only: replace this source's grants with the groups' members now, then the groups."""
    config, log = ctx.config, ctx.log
    grants: set[tuple[str, str]] = set()
    for group_dn, role in config.group_roles.items():
        member_keys, member_ids = [], []
        for kind, value in source.group_members(group_dn):
            (member_ids if kind == "id" else member_keys).append(value)
        pks = [ctx.dn_to_pk[k] for k in member_keys if k in ctx.dn_to_pk]
        for i in range(0, len(pks), 5000):
            member_ids.extend(Employee.objects.filter(pk__in=pks[i:i + 5000]).values_list("directory_id", flat=True))
        grants.update((did, role) for did in member_ids)
    before = set(RoleGrant.objects.filter(source=config.name).values_list("directory_id", "role"))
    RoleGrant.objects.filter(source=config.name).delete()
    RoleGrant.objects.bulk_create(
        [RoleGrant(source=config.name, directory_id=d, role=r) for d, r in grants], batch_size=BATCH_SIZE
    )
    added, removed = grants - before, before - grants
    for did, role in sorted(added)[: log.limit]:
        log.change("role granted", did, did, {"role": [None, role]})
    for did, role in sorted(removed)[: log.limit]:
        log.change("role removed", did, did, {"role": [role, None]})
    granted, taken = apply_directory_roles(source=config.name, roles=set(config.group_roles.values()))
    log.counts["roles_granted"] += granted
    log.counts["roles_removed"] += taken


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
