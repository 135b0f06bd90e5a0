"""`ldap_sync --check`: read the directory as a run would and say what the settings make of it
(which attribute fed the org units, how many entries had none), writing nothing, so a wrong
setting is visible before a real run."""

from collections import Counter
from dataclasses import dataclass, field

from ..config import SourceConfig, config_problem
from ..profiles import EntryError
from ..sources import DirectoryMisconfigured, Source, source_for

REASONS_SHOWN = 5


@dataclass
class DirectoryCheck:
    config: SourceConfig
    read: int = 0
    unusable: int = 0
    reasons: list[tuple[str, str]] = field(default_factory=list)  # the first few (DN, reason)
    department_from: Counter = field(default_factory=Counter)  # attribute name or OU_PATH -> entries
    departments: Counter = field(default_factory=Counter)  # department key -> entries
    without_department: int = 0
    without_examples: list[str] = field(default_factory=list)  # the first few DNs that gave none


def directory_check(*, config: SourceConfig, source: Source | None = None) -> DirectoryCheck:
    """Read every entry once and parse it; raises DirectoryUnavailable (a sentence naming the
    setting) as a run would. No database writes, no SyncRun."""
    if problem := config_problem(config):
        raise DirectoryMisconfigured(problem)
    source = source or source_for(config)
    report = DirectoryCheck(config=config)
    try:
        for dn, attrs in source.entries():
            report.read += 1
            try:
                entry = source.profile.parse(dn, attrs, config)
            except EntryError as exc:
                report.unusable += 1
                if len(report.reasons) < REASONS_SHOWN:
                    report.reasons.append((dn, str(exc)))
                continue
            if entry.department:
                report.department_from[entry.department_from] += 1
                report.departments[entry.department] += 1
            else:
                report.without_department += 1
                if len(report.without_examples) < REASONS_SHOWN:
                    report.without_examples.append(dn)
    finally:
        source.close()
    return report
