from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from ldap_sync.config import source_config
from ldap_sync.models import SyncRun
from ldap_sync.services import directory_sync, held_run_confirm
from ldap_sync.sources import DirectoryUnavailable


class Command(BaseCommand):
    help = "Sync staff, teams and managers from the directory (LDAP / Active Directory / LDIF file)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Read every entry and deactivate leavers.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; change nothing.")
        parser.add_argument("--source", default="default", help="Source name (default: the LDAP_* settings).")
        parser.add_argument("--confirm-held", type=int, metavar="RUN_ID",
                            help="Apply the held leavers of a held run.")

    def handle(self, *args, **opts):
        try:
            if opts["confirm_held"]:
                run = held_run_confirm(run_id=opts["confirm_held"], actor=None)
                self.stdout.write(f"Run {run.pk}: {run.counts.get('deactivated', 0)} leavers deactivated.")
                return
            run = directory_sync(config=source_config(opts["source"]), full=opts["full"], dry_run=opts["dry_run"])
        except (DomainError, DirectoryUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        self.report(run, verbose=opts["dry_run"] or opts["verbosity"] > 1)

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
            what = "not found" if error["reason"].startswith("role group") else "skipped"
            self.stdout.write(self.style.WARNING(f"  {what} {error['dn'] or error['directory_id']}: {error['reason']}"))
        if run.status == SyncRun.Status.HELD:
            self.stdout.write(self.style.WARNING(
                f"Confirm with: manage.py ldap_sync --confirm-held {run.pk}  (or on the Directory sync page)"))
