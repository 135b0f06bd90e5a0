"""Writes for recruitment tests. Every function is atomic, takes keyword-only arguments and records
state changes in the audit log. Applicant actions have no actor (the applicant has no account).

Concurrency: every change to an attempt (answer, submit, time-out, stop) first locks the attempt row
(`select_for_update`) and re-checks its state, so two browser tabs or a late answer racing a submit
are serialised and the loser sees the finished state instead of writing.
"""

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from people.audit import audit_record
from skills_matrix.models import Level, Skill

from . import states
from .models import (
    Applicant,
    Attempt,
    AttemptAreaResult,
    AttemptQuestion,
    Invitation,
    PurgeRecord,
    Question,
    QuestionKind,
    QuestionVersion,
    TemplateArea,
    TestTemplate,
)

DEFAULT_LINK_DAYS = 14
EVIDENCE_SOURCE = "recruitment"  # one of skills_matrix.services.EVIDENCE_SOURCES


# --- links ---------------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link belongs to, or None. The lookup is by hash (indexed); the final
    comparison is constant-time so response timing says nothing about near misses."""
    if not token or len(token) > 100:
        return None
    wanted = token_hash(token)
    invitation = (
        Invitation.objects.select_related("template", "applicant").filter(token_hash=wanted).first()
    )
    if invitation is None or not hmac.compare_digest(invitation.token_hash, wanted):
        return None
    return invitation


def applicant_link(*, base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("recruitment_applicant:start", args=[token])


def _send_link(*, applicant: Applicant, template: TestTemplate, link: str, expires_at) -> None:
    expires = timezone.localtime(expires_at).strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")
    body = (
        f"Dear {applicant.name},\n\n"
        f"As part of your application ({applicant.vacancy_reference}) we ask you to take a short ICT test: "
        f"{template.name}. It takes up to {template.time_limit_minutes} minutes"
        " (plus any extra time agreed with you).\n\n"
        f"Start the test here: {link}\n\n"
        f"The link works once and expires on {expires}. Please do not share it.\n"
        "If you need adjustments (for example extra time or larger text), reply to this email before you start.\n"
    )
    send_mail(f"Your ICT test for {applicant.vacancy_reference}", body, None, [applicant.email])


# --- question bank --------------------------------------------------------------------------------

def _version_build(*, question, number, kind, prompt, scenario, options, correct, difficulty, explanation):
    version = QuestionVersion(
        question=question, number=number, kind=kind, prompt=(prompt or "").strip(),
        scenario=(scenario or "").strip(), options=[str(o).strip() for o in options], correct=list(correct),
        difficulty=difficulty, explanation=(explanation or "").strip(),
    )
    version.full_clean(exclude=["question"])
    return version


@transaction.atomic
def question_create(
    *, actor, skill: Skill, kind: str, prompt: str, options: list[str], correct: list[int],
    scenario: str = "", difficulty: int = 2, explanation: str = "",
) -> Question:
    if skill.kind != Skill.Kind.SKILL:
        raise ValidationError({"skill": "Questions belong to a skill, not to an area."})
    question = Question.objects.create(skill=skill, created_by=actor if getattr(actor, "pk", None) else None)
    version = _version_build(
        question=question, number=1, kind=kind, prompt=prompt, scenario=scenario, options=options,
        correct=correct, difficulty=difficulty, explanation=explanation,
    )
    version.save()
    question.current = version
    question.save(update_fields=["current"])
    audit_record(actor=actor, action="recruitment.question_created", target=question)
    return question


@transaction.atomic
def question_edit(
    *, actor, question: Question, kind: str, prompt: str, options: list[str], correct: list[int],
    scenario: str = "", difficulty: int = 2, explanation: str = "",
) -> QuestionVersion:
    """Adds a new version and makes it current. Old versions stay as they were: attempts that showed
    them keep scoring against them."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    last = question.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = _version_build(
        question=question, number=last + 1, kind=kind, prompt=prompt, scenario=scenario, options=options,
        correct=correct, difficulty=difficulty, explanation=explanation,
    )
    version.save()
    question.current = version
    question.save(update_fields=["current"])
    audit_record(
        actor=actor, action="recruitment.question_edited", target=question,
        changes={"version": [last, last + 1]},
    )
    return version


@transaction.atomic
def question_set_active(*, actor, question: Question, is_active: bool) -> Question:
    question.is_active = is_active
    question.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action="recruitment.question_retired" if not is_active else "recruitment.question_restored",
        target=question,
    )
    return question


# --- templates ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AreaSpec:
    area: Skill
    question_count: int
    pass_mark_percent: int = 60
    baseline_level: int = Level.FOUNDATION


@transaction.atomic
def template_create(
    *, actor, name: str, time_limit_minutes: int, areas: list[AreaSpec], role_name: str = "", role_profile=None,
) -> TestTemplate:
    if not areas:
        raise ValidationError({"areas": "Choose at least one area to test."})
    if len({a.area.pk for a in areas}) != len(areas):
        raise ValidationError({"areas": "An area is listed twice."})
    template = TestTemplate(
        name=(name or "").strip(), role_name=(role_name or "").strip(), time_limit_minutes=time_limit_minutes,
        role_profile=role_profile, created_by=actor if getattr(actor, "pk", None) else None,
    )
    template.full_clean()
    template.save()
    rows = []
    for spec in areas:
        if spec.area.kind != Skill.Kind.AREA:
            raise ValidationError({"areas": f"“{spec.area.name}” is a skill, not an area of the framework."})
        row = TemplateArea(
            template=template, area=spec.area, question_count=spec.question_count,
            pass_mark_percent=spec.pass_mark_percent, baseline_level=spec.baseline_level,
        )
        row.full_clean(exclude=["template"])
        rows.append(row)
    TemplateArea.objects.bulk_create(rows)
    audit_record(actor=actor, action="recruitment.template_created", target=template)
    return template


# --- invitations ----------------------------------------------------------------------------------

@transaction.atomic
def invitation_create(
    *, actor, template: TestTemplate, name: str, email: str, vacancy_reference: str, base_url: str,
    extra_time_percent: int = 0, large_text: bool = False, expires_in_days: int = DEFAULT_LINK_DAYS,
    send_email: bool = True,
) -> tuple[Invitation, str]:
    """Invites an applicant and emails them the link (after commit). Returns the invitation and the
    link, which is never stored and so can only be shown now."""
    if not template.is_active:
        raise ValidationError({"template": "This test is no longer in use; choose another."})
    if not 1 <= expires_in_days <= 60:
        raise ValidationError({"expires_in_days": "The link must last between 1 and 60 days."})
    applicant = Applicant(
        name=(name or "").strip(), email=(email or "").strip(), vacancy_reference=(vacancy_reference or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    applicant.full_clean()
    applicant.save()
    token, hashed = _new_token()
    now = timezone.now()
    invitation = Invitation(
        applicant=applicant, template=template, token_hash=hashed, expires_at=now + timedelta(days=expires_in_days),
        extra_time_percent=extra_time_percent, large_text=large_text, issued_at=now,
    )
    invitation.full_clean(exclude=["applicant"])
    invitation.save()
    audit_record(
        actor=actor, action="recruitment.applicant_invited", target=invitation,
        changes={"extra_time_percent": [None, extra_time_percent], "large_text": [None, large_text]},
    )
    link = applicant_link(base_url=base_url, token=token)
    if send_email:
        transaction.on_commit(
            lambda: _send_link(applicant=applicant, template=template, link=link, expires_at=invitation.expires_at)
        )
    return invitation, link


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    """Kills the link. A test in progress is stopped (and scored on what was answered)."""
    # Lock order everywhere: attempt, then invitation (answer_save finishes a late attempt that way).
    attempt = Attempt.objects.select_for_update().filter(invitation_id=invitation.pk).first()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    was = invitation.state
    states.invitation_move(invitation, Invitation.State.REVOKED)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["state", "revoked_at"])
    if attempt is not None and attempt.is_open:
        _attempt_finish(attempt, Attempt.State.STOPPED, timezone.now(), move_invitation=False)
    audit_record(actor=actor, action="recruitment.link_revoked", target=invitation, changes={"state": [was, "revoked"]})
    return invitation


@transaction.atomic
def invitation_reissue(
    *, actor, invitation: Invitation, base_url: str, expires_in_days: int = DEFAULT_LINK_DAYS,
    extra_time_percent: int | None = None, large_text: bool | None = None,
) -> tuple[Invitation, str]:
    """A new link for an applicant who has not started (lost email, expired or revoked link). The old
    link stops working because its hash is replaced."""
    if not 1 <= expires_in_days <= 60:
        raise ValidationError({"expires_in_days": "The link must last between 1 and 60 days."})
    invitation = Invitation.objects.select_for_update().select_related("applicant", "template").get(pk=invitation.pk)
    if invitation.applicant.purged_at:
        raise DomainError("This applicant's details have been removed.")
    was = invitation.state
    states.invitation_move(invitation, Invitation.State.ISSUED)
    token, hashed = _new_token()
    now = timezone.now()
    invitation.token_hash = hashed
    invitation.issued_at = now
    invitation.expires_at = now + timedelta(days=expires_in_days)
    invitation.issue_count += 1
    invitation.revoked_at = None
    changes = {"state": [was, "issued"], "issue_count": [invitation.issue_count - 1, invitation.issue_count]}
    if extra_time_percent is not None and extra_time_percent != invitation.extra_time_percent:
        changes["extra_time_percent"] = [invitation.extra_time_percent, extra_time_percent]
        invitation.extra_time_percent = extra_time_percent
    if large_text is not None and large_text != invitation.large_text:
        changes["large_text"] = [invitation.large_text, large_text]
        invitation.large_text = large_text
    invitation.full_clean(exclude=["applicant", "template"])
    invitation.save()
    audit_record(actor=actor, action="recruitment.link_reissued", target=invitation, changes=changes)
    link = applicant_link(base_url=base_url, token=token)
    applicant, template = invitation.applicant, invitation.template
    transaction.on_commit(
        lambda: _send_link(applicant=applicant, template=template, link=link, expires_at=invitation.expires_at)
    )
    return invitation, link


@transaction.atomic
def invitation_set_adjustments(*, actor, invitation: Invitation, extra_time_percent: int, large_text: bool) -> Invitation:
    """Adjustments can change until the test starts; after that the deadline is fixed."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state not in (Invitation.State.ISSUED, Invitation.State.REVOKED):
        raise DomainError("The test has started, so its adjustments can no longer change.")
    changes = {}
    if invitation.extra_time_percent != extra_time_percent:
        changes["extra_time_percent"] = [invitation.extra_time_percent, extra_time_percent]
    if invitation.large_text != large_text:
        changes["large_text"] = [invitation.large_text, large_text]
    invitation.extra_time_percent, invitation.large_text = extra_time_percent, large_text
    invitation.full_clean(exclude=["applicant", "template"])
    invitation.save(update_fields=["extra_time_percent", "large_text"])
    if changes:
        audit_record(actor=actor, action="recruitment.adjustments_changed", target=invitation, changes=changes)
    return invitation


def link_problem(invitation: Invitation | None, *, now=None) -> str | None:
    """Why a link cannot be used, as a short code the page explains; None when it can."""
    now = now or timezone.now()
    if invitation is None:
        return "unknown"
    if invitation.applicant.purged_at:
        return "unknown"
    if invitation.state == Invitation.State.REVOKED:
        return "revoked"
    if invitation.state == Invitation.State.COMPLETED:
        return "used"
    if invitation.state == Invitation.State.ISSUED and invitation.expires_at <= now:
        return "expired"
    return None


# --- taking the test ------------------------------------------------------------------------------

def time_allowed(template: TestTemplate, invitation: Invitation) -> timedelta:
    return timedelta(minutes=template.time_limit_minutes) * (1 + invitation.extra_time_percent / 100)


def _draw_questions(template: TestTemplate, rng: random.Random | None = None) -> list[tuple[Skill, int]]:
    rng = rng or random.SystemRandom()
    drawn = []
    for spec in template.areas.select_related("area"):
        area = spec.area
        candidates = list(
            Question.objects.filter(
                is_active=True, current__isnull=False, skill__is_active=True, skill__tree_id=area.tree_id,
                skill__lft__gt=area.lft, skill__rght__lt=area.rght,
            ).values_list("current_id", flat=True)
        )
        picked = rng.sample(candidates, min(spec.question_count, len(candidates)))
        drawn.extend((area, version_id) for version_id in picked)
    return drawn


@transaction.atomic
def attempt_start(*, invitation: Invitation, now=None, rng: random.Random | None = None) -> Attempt:
    """Starts the clock. Idempotent: starting an already started test returns the same attempt
    (a double click, or a second tab, does not draw a second set of questions)."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().select_related("template", "applicant").get(pk=invitation.pk)
    if invitation.state == Invitation.State.STARTED:
        return invitation.attempt
    problem = link_problem(invitation, now=now)
    if problem:
        raise DomainError(f"This link cannot be used ({problem}).")
    drawn = _draw_questions(invitation.template, rng)
    if not drawn:
        raise DomainError("This test has no questions yet. Please contact the recruiting team.")
    states.invitation_move(invitation, Invitation.State.STARTED)
    invitation.save(update_fields=["state"])
    attempt = Attempt.objects.create(
        invitation=invitation, template=invitation.template,
        vacancy_reference=invitation.applicant.vacancy_reference, started_at=now,
        deadline=now + time_allowed(invitation.template, invitation), question_count=len(drawn),
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, position=i, area=area, version_id=version_id)
        for i, (area, version_id) in enumerate(drawn, start=1)
    )
    audit_record(actor=None, action="recruitment.test_started", target=attempt)
    return attempt


def answer_clean(version: QuestionVersion, raw) -> list[int]:
    """The stored form of an answer, or DomainError naming the problem."""
    n = len(version.options)
    if not isinstance(raw, list) or any(not isinstance(i, int) or not 0 <= i < n for i in raw):
        raise DomainError("Choose an answer from the options given.", field="answer")
    if version.kind in (QuestionKind.SINGLE, QuestionKind.PRACTICAL) and len(raw) != 1:
        raise DomainError("Choose one answer.", field="answer")
    if version.kind == QuestionKind.MULTIPLE and (not raw or len(set(raw)) != len(raw)):
        raise DomainError("Choose at least one answer.", field="answer")
    if version.kind == QuestionKind.ORDERING and sorted(raw) != list(range(n)):
        raise DomainError("Give each item a different position.", field="answer")
    return sorted(raw) if version.kind == QuestionKind.MULTIPLE else list(raw)


class AnswerOutcome:
    SAVED = "saved"
    LATE = "late"  # received after the deadline: not counted, the attempt is now closed
    CLOSED = "closed"  # the attempt had already finished (submitted in another tab, timed out)


@transaction.atomic
def answer_save(*, invitation: Invitation, position: int, answer, now=None) -> str:
    """Saves (or replaces) the answer to one question. Safe to repeat: the same POST twice stores the
    same answer. Holds the attempt row lock until commit."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().filter(invitation_id=invitation.pk).first()
    if attempt is None:
        raise DomainError("This test has not been started.")
    if not attempt.is_open:
        return AnswerOutcome.CLOSED
    if now > attempt.deadline:
        _attempt_finish(attempt, Attempt.State.TIMED_OUT, now)
        return AnswerOutcome.LATE
    aq = AttemptQuestion.objects.select_related("version").filter(attempt=attempt, position=position).first()
    if aq is None:
        raise DomainError("There is no such question in this test.")
    aq.answer = answer_clean(aq.version, answer)
    aq.answered_at = now
    aq.save(update_fields=["answer", "answered_at"])
    return AnswerOutcome.SAVED


@transaction.atomic
def attempt_submit(*, invitation: Invitation, now=None) -> tuple[Attempt, bool]:
    """Finishes the test. Returns (attempt, submitted_now). A second submit (another tab, a resent
    form) finds the attempt already finished and changes nothing."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().filter(invitation_id=invitation.pk).first()
    if attempt is None:
        raise DomainError("This test has not been started.")
    if not attempt.is_open:
        return attempt, False
    state = Attempt.State.TIMED_OUT if now > attempt.deadline else Attempt.State.SUBMITTED
    _attempt_finish(attempt, state, now)
    return attempt, state == Attempt.State.SUBMITTED


def attempt_close_if_overdue(*, attempt: Attempt, now=None) -> bool:
    now = now or timezone.now()
    if not attempt.is_open or now <= attempt.deadline:
        return False
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_open:
            return False
        _attempt_finish(locked, Attempt.State.TIMED_OUT, now)
    attempt.refresh_from_db()
    return True


def attempts_close_overdue(*, now=None) -> int:
    """For the scheduled task: applicants who walk away are scored when their time is up."""
    now = now or timezone.now()
    closed = 0
    for attempt in Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lt=now):
        closed += attempt_close_if_overdue(attempt=attempt, now=now)
    return closed


def _attempt_finish(attempt: Attempt, state: str, now, *, move_invitation: bool = True) -> None:
    """Caller holds the attempt row lock inside a transaction."""
    states.attempt_move(attempt, state)
    attempt.completed_at = now
    _score(attempt)
    attempt.save(update_fields=["state", "completed_at", "correct_count", "percent", "passed"])
    if move_invitation:
        invitation = Invitation.objects.select_for_update().get(pk=attempt.invitation_id)
        if invitation.state == Invitation.State.STARTED:
            states.invitation_move(invitation, Invitation.State.COMPLETED)
            invitation.save(update_fields=["state"])
    audit_record(actor=None, action=f"recruitment.test_{state}", target=attempt)


def _percent(correct: int, total: int) -> int:
    return round(100 * correct / total) if total else 0


def _score(attempt: Attempt) -> None:
    """Marks every answer against the version shown and stores per-area results with the pass marks
    in force now, so later changes to the template or the questions leave this score alone."""
    aqs = list(attempt.questions.select_related("version"))
    for aq in aqs:
        aq.is_correct = aq.answer is not None and aq.version.is_correct(aq.answer)
    AttemptQuestion.objects.bulk_update(aqs, ["is_correct"])
    specs = {s.area_id: s for s in TemplateArea.objects.filter(template_id=attempt.template_id)}
    by_area: dict[int, list[AttemptQuestion]] = {}
    for aq in aqs:
        by_area.setdefault(aq.area_id, []).append(aq)
    results = []
    for area_id, items in by_area.items():
        spec = specs.get(area_id)
        pass_mark = spec.pass_mark_percent if spec else 100
        correct = sum(1 for aq in items if aq.is_correct)
        percent = _percent(correct, len(items))
        results.append(
            AttemptAreaResult(
                attempt=attempt, area_id=area_id, question_count=len(items), correct_count=correct,
                percent=percent, pass_mark_percent=pass_mark,
                baseline_level=spec.baseline_level if spec else Level.FOUNDATION, passed=percent >= pass_mark,
            )
        )
    AttemptAreaResult.objects.filter(attempt=attempt).delete()
    AttemptAreaResult.objects.bulk_create(results)
    attempt.correct_count = sum(1 for aq in aqs if aq.is_correct)
    attempt.percent = _percent(attempt.correct_count, len(aqs))
    attempt.passed = bool(results) and all(r.passed for r in results)


# --- hiring and hand-over -------------------------------------------------------------------------

@transaction.atomic
def applicant_mark_hired(*, actor, applicant: Applicant, employee_number: str = "") -> Applicant:
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if applicant.purged_at:
        raise DomainError("This applicant's details have been removed.")
    attempt = Attempt.objects.filter(invitation__applicant=applicant).first()
    if attempt is None or attempt.is_open:
        raise DomainError("Only an applicant who has finished the test can be marked as hired.")
    applicant.hired_at = applicant.hired_at or timezone.now()
    applicant.employee_number = (employee_number or applicant.employee_number).strip()
    applicant.save(update_fields=["hired_at", "employee_number"])
    audit_record(actor=actor, action="recruitment.applicant_hired", target=applicant)
    employee = _employee_matching(applicant)
    if employee is not None:
        applicant_hand_over(applicant=applicant, employee=employee, actor=actor)
    return applicant


def _employee_matching(applicant: Applicant):
    from people.models import Employee

    qs = Employee.objects.filter(is_active=True)
    if applicant.employee_number:
        found = qs.filter(employee_number=applicant.employee_number).first()
        if found:
            return found
    if applicant.email:
        return qs.filter(email__iexact=applicant.email).order_by("pk").first()
    return None


def skill_levels_from(attempt: Attempt) -> list[tuple[Skill, int]]:
    """The starting level a result supports for each skill tested: the area's baseline where the
    applicant met the pass mark on that skill's questions, one level below where they did not."""
    specs = {s.area_id: s for s in TemplateArea.objects.filter(template_id=attempt.template_id)}
    per_skill: dict[int, list[bool]] = {}
    areas: dict[int, int] = {}
    skills: dict[int, Skill] = {}
    for aq in attempt.questions.select_related("version__question__skill"):
        skill = aq.version.question.skill
        skills[skill.pk] = skill
        areas[skill.pk] = aq.area_id
        per_skill.setdefault(skill.pk, []).append(bool(aq.is_correct))
    out = []
    for skill_id, marks in per_skill.items():
        spec = specs.get(areas[skill_id])
        if spec is None or not skills[skill_id].is_active:
            continue  # the area left the template, or the skill was retired since the test
        met = _percent(sum(marks), len(marks)) >= spec.pass_mark_percent
        level = spec.baseline_level if met else spec.baseline_level - 1
        if level > Level.NONE:
            out.append((skills[skill_id], level))
    return out


@transaction.atomic
def applicant_hand_over(*, applicant: Applicant, employee, actor=None) -> int:
    """The hired applicant's results become starting evidence in their skills profile. Runs once per
    applicant (`handed_over_at`); returns how many skills got evidence."""
    from skills_matrix.services import evidence_record

    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if applicant.handed_over_at or applicant.purged_at:
        return 0
    attempt = Attempt.objects.filter(invitation__applicant=applicant).exclude(state=Attempt.State.IN_PROGRESS).first()
    if attempt is None:
        return 0
    levels = skill_levels_from(attempt)
    for skill, level in levels:
        evidence_record(
            employee=employee, skill=skill, level=level, source=EVIDENCE_SOURCE,
            source_ref=f"recruitment-attempt:{attempt.pk}", actor=actor,
        )
    applicant.handed_over_at = timezone.now()
    applicant.handed_over_to = employee
    applicant.save(update_fields=["handed_over_at", "handed_over_to"])
    audit_record(
        actor=actor, action="recruitment.results_handed_over", target=applicant, subject=employee,
        changes={"skills": [None, len(levels)]},
    )
    return len(levels)


def hand_over_hired(*, employee=None) -> int:
    """Matches hired applicants not yet handed over with the directory (employee number first, then
    email) and hands their results over. Run after each directory sync and hourly."""
    pending = Applicant.objects.filter(hired_at__isnull=False, handed_over_at__isnull=True, purged_at__isnull=True)
    if employee is not None:
        from django.db.models import Q

        match = Q(email__iexact=employee.email) if employee.email else Q(pk__in=[])
        if employee.employee_number:
            match |= Q(employee_number=employee.employee_number)
        pending = pending.filter(match)
    done = 0
    for applicant in pending:
        found = employee or _employee_matching(applicant)
        if found is not None:
            applicant_hand_over(applicant=applicant, employee=found)
            done += 1
    return done


# --- retention ------------------------------------------------------------------------------------

def retention_days() -> int:
    return int(getattr(settings, "RECRUITMENT_RETENTION_DAYS", 180))


@transaction.atomic
def applicants_purge(
    *, reason: str = PurgeRecord.Reason.RETENTION, actor=None, applicant_ids: list[int] | None = None, now=None,
) -> PurgeRecord | None:
    """Removes applicants' personal data (name, email, employee number, the answers they gave, the
    link to their staff record) and records the purge. Scores per area, pass/fail, dates and the
    vacancy reference stay, anonymous, for statistics."""
    now = now or timezone.now()
    qs = Applicant.objects.select_for_update().filter(purged_at__isnull=True)
    cutoff = None
    if reason == PurgeRecord.Reason.RETENTION:
        cutoff = now - timedelta(days=retention_days())
        qs = qs.filter(created_at__lt=cutoff)
    else:
        qs = qs.filter(pk__in=applicant_ids or [])
    ids = sorted(qs.values_list("pk", flat=True))
    if not ids:
        return None
    # Finish anything still open first so the statistics are complete and no link stays live.
    for attempt in Attempt.objects.select_for_update().filter(invitation__applicant_id__in=ids, state=Attempt.State.IN_PROGRESS):
        _attempt_finish(attempt, Attempt.State.STOPPED, now, move_invitation=False)
    Invitation.objects.filter(applicant_id__in=ids).exclude(state=Invitation.State.COMPLETED).update(
        state=Invitation.State.REVOKED, revoked_at=now
    )
    AttemptQuestion.objects.filter(attempt__invitation__applicant_id__in=ids).update(answer=None)
    Applicant.objects.filter(pk__in=ids).update(
        name="", email="", employee_number="", handed_over_to=None, purged_at=now
    )
    record = PurgeRecord.objects.create(
        reason=reason, actor=actor if getattr(actor, "pk", None) else None, applicant_count=len(ids),
        applicant_ids=ids, cutoff=cutoff,
    )
    audit_record(
        actor=actor, action="recruitment.applicants_purged", target=record,
        changes={"applicant_count": [None, len(ids)]}, note=PurgeRecord.Reason(reason).label,
    )
    return record


@transaction.atomic
def applicant_export_recorded(*, actor, applicant: Applicant, fmt: str) -> None:
    """A subject access export is itself recorded (who took a copy of whose data, when)."""
    audit_record(actor=actor, action="recruitment.applicant_exported", target=applicant, note=fmt)
