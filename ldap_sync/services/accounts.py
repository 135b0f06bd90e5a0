"""The sign-in account a first directory sign-in creates, linked to the synced employee, and its
name and email kept as the directory has them."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower

from people.audit import audit_bulk, audit_record
from people.models import AuditEntry, Employee

from ..profiles import DirectoryEntry
from .run_state import RunContext


@transaction.atomic
def employee_account_link(*, employee: Employee, user) -> bool:
    """Link the account a first directory sign-in created to the synced employee, and audit it. The
    conditional UPDATE means two first sign-ins at once cannot both link; returns whether this one did."""
    if not Employee.objects.filter(pk=employee.pk, user__isnull=True).update(user=user):
        return False
    employee.user = user
    audit_record(actor=user, action="employee.account_linked", target=employee, subject=employee,
                 changes={"user": [None, user.get_username()]}, channel=AuditEntry.Channel.DIRECTORY,
                 note="First sign-in through the directory")
    return True


def sign_in_accounts_follow(ctx: RunContext, linked: list[tuple[int, int, DirectoryEntry, str]]) -> None:
    """A directory account's sign-in name and email follow the directory: an AD rename changes
    sAMAccountName and mail, and the person then signs in (and re-enters their password) under the
    new name. `linked` is (employee pk, user pk, entry, display name). Local accounts, with a password
    of their own, are left alone; a name another account already has is refused and reported."""
    if not linked:
        return
    User = get_user_model()
    users = {u.pk: u for u in User.objects.filter(pk__in=[user_pk for _pk, user_pk, _e, _n in linked])
             .only("pk", "username", "email", "password")}
    wanted = {}
    for pk, user_pk, e, name in linked:
        user = users.get(user_pk)
        if user is None or user.has_usable_password():
            continue
        username = e.username.lower() if e.username and len(e.username) <= 150 else user.username
        if (username, e.email) != (user.username, user.email):
            wanted[user_pk] = (pk, e, name, username)
    if not wanted:
        return
    taken = set(User.objects.annotate(low=Lower("username")).filter(low__in=[w[3] for w in wanted.values()])
                .exclude(pk__in=list(wanted)).values_list("low", flat=True))
    changed, audits = [], []
    for user_pk, (pk, e, name, username) in wanted.items():
        user = users[user_pk]
        if username in taken:
            ctx.log.error(f"sign-in name {username} belongs to another account, so {name} still signs in as "
                          f"{user.username}", dn=e.dn, directory_id=e.directory_id, kind="account_errors")
            username = user.username
            if e.email == user.email:
                continue
        changes = {f: [old, new] for f, old, new in (("username", user.username, username),
                                                     ("email", user.email, e.email)) if old != new}
        user.username, user.email = username, e.email
        changed.append(user)
        audits.append(ctx.audit.entry(pk, name, "employee.account_updated", changes))
        ctx.log.change("sign-in changed", name, e.directory_id, changes)
    User.objects.bulk_update(changed, ["username", "email"])
    audit_bulk(audits)
    ctx.log.counts["accounts_updated"] += len(changed)


@transaction.atomic
def sign_in_name_follow(*, employee: Employee, user, username: str) -> bool:
    """At sign-in: a directory account renamed since the last run takes the name its owner just
    signed in with (the directory found them by it), so a password re-entered later is checked
    under the right name. Returns whether it changed."""
    username = username.lower()
    if user.username == username or user.has_usable_password() or len(username) > 150:
        return False
    if get_user_model().objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
        return False
    before = user.username
    user.username = username
    user.save(update_fields=["username"])
    audit_record(actor=user, action="employee.account_updated", target=employee, subject=employee,
                 changes={"username": [before, username]}, channel=AuditEntry.Channel.DIRECTORY,
                 note="Signed in under the name the directory has now")
    return True
