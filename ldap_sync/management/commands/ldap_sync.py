from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from ldap_sync.config import source_config
from ldap_sync.models import SyncRun
from ldap_sync.profiles import OU_PATH, department_rule_of, profile_for
from ldap_sync.services import directory_check, directory_sync, held_run_confirm
from ldap_sync.services.check import DirectoryCheck
from ldap_sync.sources import DirectoryUnavailable


class Command(BaseCommand):
    help = "Sync staff, teams and managers from the directory (LDAP / Active Directory / LDIF file)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Read every entry and deactivate leavers.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; change nothing.")
        parser.add_argument("--source", default="default", help="Source name (default: the LDAP_* settings).")
        parser.add_argument("--confirm-held", type=int, metavar="RUN_ID",
                            help="Apply the held leavers of a held run.")
        parser.add_argument("--check", action="store_true",
                            help="Read the directory and say which attribute fed the org units; change nothing.")

    def handle(self, *args, **opts):
        try:
            if opts["confirm_held"]:
                run = held_run_confirm(run_id=opts["confirm_held"], actor=None)
                self.stdout.write(f"Run {run.pk}: {run.counts.get('deactivated', 0)} leavers deactivated, "
                                  f"{run.counts.get('rematched', 0)} records re-matched. {run.message}")
                return
            if opts["check"]:
                self.report_check(directory_check(config=source_config(opts["source"])))
                return
            run = directory_sync(config=source_config(opts["source"]), full=opts["full"], dry_run=opts["dry_run"])
        except (DomainError, DirectoryUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        self.report(run, verbose=opts["dry_run"] or opts["verbosity"] > 1)

    def report_check(self, check: DirectoryCheck):
        c = check.config
        default = c.name == "default"
        rule = "LDAP_DEPARTMENT_RULE" if default else "department_rule"
        rule_in_force = department_rule_of(c)
        where = c.path if c.kind == "ldif" else f"{c.uri} under {c.base_dn or '(the whole directory)'}"
        self.stdout.write(f"Directory check of source '{c.name}' ({c.profile} profile, {rule}={rule_in_force}): "
                          "nothing was changed.")
        self.stdout.write(f"Read {check.read} entries from {where}; {check.unusable} could not be used.")
        for dn, reason in check.reasons:
            self.stdout.write(self.style.WARNING(f"  skipped {dn}: {reason}"))
        fed = ", ".join(f"{'the OU path of the DN' if source == OU_PATH else source} ({n} entries)"
                        for source, n in check.department_from.most_common())
        self.stdout.write(f"Org units came from: {fed or 'nothing'}.")
        department_attribute = profile_for(c.profile).attribute_map(c.attributes)["department"]
        none = (f"{check.without_department} entries had no department ({department_attribute}"
                f"{', ou or an OU below the base DN' if rule_in_force == 'auto' else ''}): they will have no unit.")
        self.stdout.write(self.style.WARNING(none) if check.without_department else none)
        for dn in check.without_examples:
            self.stdout.write(f"  no department: {dn}")
        if check.departments:
            shown = ", ".join(f"{key} ({n})" for key, n in check.departments.most_common(10))
            more = f", and {len(check.departments) - 10} more" if len(check.departments) > 10 else ""
            self.stdout.write(f"{len(check.departments)} units: {shown}{more}.")
        elif check.read:
            attributes = "LDAP_ATTRIBUTES" if default else "attributes"
            self.stdout.write(self.style.WARNING(
                f"No entry gave a department: set {attributes} (e.g. department=departmentNumber) or "
                f"{rule}=ou_path."))

    def report(self, run: SyncRun, *, verbose: bool):
        self.stdout.write(f"Run {run.pk} ({run.get_kind_display().lower()}): {run.get_status_display()}")
        self.stdout.write(", ".join(f"{k} {v}" for k, v in run.counts.items() if v) or "nothing read")
        if run.message:
            self.stdout.write(run.message)
        if verbose:
            for change in run.changes:
                detail = "; ".join(f"{f}: {b!r} → {a!r}" for f, (b, a) in change["changes"].items())
                self.stdout.write(f"  {change['action']:<12} {change['name']}  {detail}")
        for error in run.errors:
            what = SyncRun.problem_kind(error)
            self.stdout.write(self.style.WARNING(f"  {what} {error['dn'] or error['directory_id']}: {error['reason']}"))
        if run.status == SyncRun.Status.HELD:
            for person in run.held_deactivations:
                if isinstance(person, dict):
                    self.stdout.write(f"  held leaver   {person['name']}  {person['employee_number'] or '-'}  "
                                      f"{person['directory_id']}  {person['dn']}")
            for person in run.held_rematches:
                self.stdout.write(f"  held re-match {person['name']}  {person['employee_number']}  "
                                  f"{person['old_directory_id']} -> {person['directory_id']}  {person['dn']}")
            self.stdout.write(self.style.WARNING(
                f"Confirm with: manage.py ldap_sync --confirm-held {run.pk}  (or on the Directory sync page)"))
