"""Directory sync writes. One run = one transaction: a directory that fails mid-stream leaves the
staff list exactly as it was. Database work is batched (one read and at most three writes per
batch of entries, never per person), which is what keeps a 100,000-entry sync in seconds.

Callers: the `ldap_sync` management command, the Celery task and the admin pages. They pass a
SourceConfig (see config.py); `directory_sync` owns the per-source lock, the SyncRun record and the
audit entries (channel "directory").

The package, by workflow:
  runs.py            a run from start to finish: lock, SyncRun, transaction, the order of the steps
  entries.py         reading entries in batches, matching them to employees, the high-water mark
  people_changes.py  applying a batch: new starters, updates, moves, returners, and their audit
  units.py           directory department / OU -> org unit (new ones under the holding unit)
  managers.py        line-manager links, loops and unknown managers
  leavers.py         leavers, the hold threshold, deactivation, confirming a held run
  roles.py           directory groups -> role grants -> Django groups
  check.py           `--check`: what the settings make of the directory, writing nothing
  accounts.py        linking a first sign-in's account to the synced employee
  run_state.py       what the steps share: the run log, the audit helper, per-run state
"""

from .accounts import employee_account_link, sign_in_name_follow
from .check import directory_check
from .entries import BATCH_SIZE, SYNCED_FIELDS
from .leavers import deactivate_employees, held_list, held_run_confirm
from .roles import apply_directory_roles, role_grants_from_sign_in
from .runs import LOCK_TTL, directory_sync
from .units import HOLDING_UNIT_CODE

__all__ = [
    "BATCH_SIZE", "HOLDING_UNIT_CODE", "LOCK_TTL", "SYNCED_FIELDS", "apply_directory_roles", "deactivate_employees",
    "directory_check", "directory_sync", "employee_account_link", "held_list", "held_run_confirm",
    "role_grants_from_sign_in", "sign_in_name_follow",
]
