"""Hand-over: a hired applicant's results become starting evidence once they appear in the directory."""

import pytest

from skills_matrix.models import Evidence, Level
from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import Applicant
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def finished(invite, *, right: set[int], **kw):
    invitation, _ = invite(**kw)
    attempt = services.attempt_start(invitation=invitation)
    for aq in attempt.questions.select_related("version"):
        v = aq.version
        answer = v.correct if aq.position in right else [next(i for i in range(len(v.options)) if i not in v.correct)]
        services.answer_save(invitation=invitation, position=aq.position, answer=answer)
    services.attempt_submit(invitation=invitation)
    return invitation


def test_hired_applicant_found_by_email_gets_starting_evidence(invite, bank):
    # Safe online: 1 of 2 right (pass mark 50%, baseline Working) -> Working.
    # Spreadsheets: 1 of 2 right (pass mark 100%, baseline Foundation) -> one below: none, so no evidence.
    invitation = finished(invite, right={1, 3}, email="New.Starter@Example.com")
    services.applicant_mark_hired(actor=None, applicant=invitation.applicant)
    assert not Evidence.objects.exists()  # not in the directory yet

    employee = EmployeeFactory(user=UserFactory(username="newstarter"), email="new.starter@example.com")
    assert services.hand_over_hired() == 1

    evidence = Evidence.objects.get()
    assert (evidence.employee, evidence.skill, evidence.level) == (employee, bank["phishing"], Level.WORKING)
    assert evidence.source == "recruitment" and evidence.status == Evidence.Status.PENDING
    applicant = Applicant.objects.get(pk=invitation.applicant_id)
    assert applicant.handed_over_to == employee and applicant.handed_over_at is not None
    assert services.hand_over_hired() == 0  # once only


def test_matched_by_employee_number_when_the_email_differs(invite, bank):
    invitation = finished(invite, right={1, 2, 3, 4}, email="personal@example.com")
    services.applicant_mark_hired(actor=None, applicant=invitation.applicant, employee_number="E990001")
    employee = EmployeeFactory(user=UserFactory(username="starter2"), employee_number="E990001",
                               email="starter2@council.example")
    services.hand_over_hired(employee=employee)
    assert {(e.skill_id, e.level) for e in Evidence.objects.filter(employee=employee)} == {
        (bank["phishing"].pk, Level.WORKING), (bank["formulas"].pk, Level.FOUNDATION),
    }


def test_new_staff_record_triggers_the_hand_over(invite, bank, django_capture_on_commit_callbacks):
    invitation = finished(invite, right={1, 2, 3, 4}, email="signal@example.com")
    services.applicant_mark_hired(actor=None, applicant=invitation.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        employee = EmployeeFactory(user=UserFactory(username="signal"), email="signal@example.com")
    assert Evidence.objects.filter(employee=employee).count() == 2


def test_applicants_not_hired_are_never_handed_over(invite):
    finished(invite, right={1, 2, 3, 4}, email="nothired@example.com")
    EmployeeFactory(user=UserFactory(username="nothired"), email="nothired@example.com")
    assert services.hand_over_hired() == 0
    assert not Evidence.objects.exists()


def test_only_finished_tests_can_be_marked_hired(invite):
    from core.errors import DomainError

    invitation, _ = invite()
    with pytest.raises(DomainError, match="finished the test"):
        services.applicant_mark_hired(actor=None, applicant=invitation.applicant)


STARTER_LDIF = """version: 1

dn: uid=synced,ou=staff,dc=council,dc=test
objectClass: inetOrgPerson
uid: synced
cn: Syn Ced
givenName: Syn
sn: Ced
employeeNumber: S1
entryUUID: 5d0c8c2e-2222-4000-8000-000000000001
mail: synced@example.com
modifyTimestamp: 20261101090000Z
"""


def _sync_starter(tmp_path, **kwargs):
    from ldap_sync.config import SourceConfig
    from ldap_sync.services import directory_sync

    path = tmp_path / "staff.ldif"
    path.write_text(STARTER_LDIF)
    config = SourceConfig(name="export", kind="ldif", path=str(path), base_dn="ou=staff,dc=council,dc=test")
    return directory_sync(config=config, **kwargs)


def test_a_directory_sync_that_applies_triggers_the_hand_over(invite, bank, org, tmp_path,
                                                             django_capture_on_commit_callbacks):
    """The sync writes employees in bulk, without per-row signals: recruitment hears of the new
    starter through ldap_sync's declared `directory_sync_applied`, sent after the sync commits."""
    invitation = finished(invite, right={1, 2, 3, 4}, email="synced@example.com")
    services.applicant_mark_hired(actor=None, applicant=invitation.applicant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _sync_starter(tmp_path)
    assert not Evidence.objects.exists()  # nothing before the sync's commit
    for callback in callbacks:
        callback()
    assert Evidence.objects.filter(employee__email="synced@example.com").count() == 2


def test_a_dry_run_does_not_trigger_the_hand_over(invite, bank, org, tmp_path, django_capture_on_commit_callbacks):
    invitation = finished(invite, right={1, 2, 3, 4}, email="synced@example.com")
    services.applicant_mark_hired(actor=None, applicant=invitation.applicant)
    from people.models import Employee

    # Someone who matches is already there, so only the signal decides whether a hand-over runs.
    Employee.objects.bulk_create([Employee(first_name="Syn", last_name="Ced", email="synced@example.com")])
    with django_capture_on_commit_callbacks(execute=True):
        _sync_starter(tmp_path, dry_run=True)
    assert not Evidence.objects.exists()
