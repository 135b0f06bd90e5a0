"""Role profile rules are applied again after every directory sync whose changes are in
(`ldap_sync.signals.directory_sync_applied`, sent after commit through send_robust): a restructure
moves people between units, titles and grades. The work runs in a task; connected in
SkillsMatrixConfig.ready()."""

from .tasks import role_profile_rules_apply


def profile_rules_after_directory_sync(sender, run_id: int, **kwargs):
    role_profile_rules_apply.delay()
