"""Writes about skills. Each function is one atomic change with its audit entry.

Current levels (`CurrentSkills`) are derived data kept here, by the two changes that move them:
validating an assessment (sets the validated level, up or down: the latest validated one wins) and
accepting evidence (raises the level to the one shown; a short course never lowers a level a manager
has validated higher).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import DomainError
from core.mail import after_sent, mail_each_on_commit
from people.audit import audit_record
from people.models import AuditEntry, Employee, OrgUnit
from people.selectors import employee_for

from . import permissions
from .models import (
    Assessment,
    Campaign,
    CampaignReminder,
    CurrentSkills,
    EmployeeRoleProfile,
    Evidence,
    FrameworkVersion,
    Level,
    Rating,
    RoleProfile,
    RoleRequirement,
    Skill,
    SkillDescriptor,
)
from .selectors import campaign_covers
from .states import ASSESSMENT, EVIDENCE

EVIDENCE_SOURCES = ("training", "baseline_test", "recruitment", "manager", "other")


def _check_level(value, field: str = "level") -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise DomainError("Choose a level from 0 to 4.", field=field) from None
    if level not in Level.values:
        raise DomainError("Choose a level from 0 to 4.", field=field)
    return level


def _current_skills_raise_or_set(employee_id: int, levels: dict[int, int], *, only_raise: bool) -> None:
    """Merge levels into the employee's CurrentSkills row, locking it so two validations at once
    cannot lose each other's update."""
    # Insert-if-missing that cannot fail when two validations create the row at once, then lock it.
    CurrentSkills.objects.bulk_create([CurrentSkills(employee_id=employee_id, levels={})], ignore_conflicts=True)
    row = CurrentSkills.objects.select_for_update().get(pk=employee_id)
    merged = dict(row.levels)
    for skill_id, level in levels.items():
        key = str(skill_id)
        if only_raise and merged.get(key) is not None and merged[key] >= level:
            continue
        merged[key] = level
    if merged != row.levels:
        row.levels = merged
        row.save(update_fields=["levels", "updated_at"])


# ---------------------------------------------------------------------------------------------
# Evidence (called by training, baseline tests and recruitment).


@transaction.atomic
def evidence_record(*, employee: Employee, skill: Skill, level: int, source: str, source_ref: str, actor=None) -> Evidence:
    """Record that `employee` showed `skill` at `level` (a completed course, a test result).

    The evidence waits for the employee's manager to accept it before it counts. Recording the same
    source_ref again for the same skill returns the existing evidence unchanged (safe to retry).
    `source` is one of EVIDENCE_SOURCES; `actor` is the user who caused it (None for system jobs).
    """
    level = _check_level(level)
    if source not in EVIDENCE_SOURCES:
        raise DomainError(f"Unknown evidence source “{source}”.", field="source")
    if skill.kind != Skill.Kind.SKILL or not skill.is_active:
        raise DomainError("Evidence can only be recorded against an active skill, not an area.", field="skill")
    evidence, created = Evidence.objects.get_or_create(
        employee=employee, skill=skill, source=source, source_ref=source_ref[:128],
        defaults={"level": level, "recorded_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if created:
        audit_record(
            actor=actor, action="skills.evidence_recorded", target=evidence, subject=employee,
            changes={"level": [None, level], "source": [None, source]},
            channel=AuditEntry.Channel.ONLINE if actor else AuditEntry.Channel.SYSTEM,
        )
    return evidence


@transaction.atomic
def evidence_decide(*, actor, evidence: Evidence, accept: bool, reason: str = "") -> Evidence:
    """A manager accepts evidence (it then counts towards the current level) or declines it with a reason."""
    if not permissions.can_validate(actor, evidence.employee):
        raise PermissionDenied("Only the employee's manager can validate this evidence.")
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    to = EVIDENCE.check(evidence.status, "accept" if accept else "reject")
    if not accept and not reason.strip():
        raise DomainError("Give a reason for not accepting the evidence.", field="reason")
    evidence.status = to
    evidence.decided_at = timezone.now()
    evidence.decided_by = employee_for(actor)
    evidence.reason = reason.strip()
    evidence.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    if accept:
        _current_skills_raise_or_set(evidence.employee_id, {evidence.skill_id: evidence.level}, only_raise=True)
    audit_record(
        actor=actor, action=f"skills.evidence_{evidence.status}", target=evidence, subject=evidence.employee,
        changes={"status": [Evidence.Status.PENDING, evidence.status]}, note=evidence.reason,
    )
    return evidence


# ---------------------------------------------------------------------------------------------
# Assessments.


def _require_open(campaign: Campaign) -> None:
    today = timezone.localdate()
    if today > campaign.closes_on:
        raise DomainError(
            f"“{campaign.name}” closed on {campaign.closes_on:%-d %B %Y}. "
            "Self-assessments can no longer be changed or submitted. Ask your manager or HR if you need it reopened."
        )
    if today < campaign.opens_on:
        raise DomainError(f"“{campaign.name}” opens on {campaign.opens_on:%-d %B %Y}. You cannot start it yet.")


def current_version() -> FrameworkVersion | None:
    return FrameworkVersion.objects.order_by("-number").first()


@transaction.atomic
def assessment_start(*, actor, employee: Employee, campaign: Campaign) -> Assessment:
    """The employee's own assessment in a campaign (created on first use)."""
    if employee.user_id != actor.pk:
        raise PermissionDenied("You can only fill in your own self-assessment.")
    if not campaign_covers(campaign, employee):
        raise DomainError("This campaign does not cover your part of the council.")
    existing = Assessment.objects.filter(employee=employee, campaign=campaign).first()
    if existing:
        return existing
    _require_open(campaign)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                employee=employee, campaign=campaign, framework_version=current_version()
            )
    except IntegrityError:
        # A double click (or a second tab) started it a moment ago: carry on with that one.
        return Assessment.objects.get(employee=employee, campaign=campaign)
    audit_record(actor=actor, action="skills.assessment_started", target=assessment, subject=employee)
    return assessment


@transaction.atomic
def assessment_save_levels(*, actor, assessment: Assessment, levels: dict) -> Assessment:
    """Save self-assessed levels for some skills ({skill_id: level or None to clear}): one page of the
    form. Saving as you go; the assessment stays in progress. Copies each skill's name and the
    descriptor of the chosen level, so later framework edits do not change what was assessed."""
    assessment = Assessment.objects.select_for_update().select_related("campaign", "employee").get(pk=assessment.pk)
    if assessment.employee.user_id != actor.pk:
        raise PermissionDenied("You can only fill in your own self-assessment.")
    _require_open(assessment.campaign)
    ASSESSMENT.check(assessment.status, "save")
    skill_ids = [int(k) for k in levels]
    skills = {
        s.pk: s for s in Skill.objects.filter(pk__in=skill_ids, kind=Skill.Kind.SKILL, is_active=True).prefetch_related("descriptors")
    }
    existing = {r.skill_id: r for r in Rating.objects.filter(assessment=assessment, skill_id__in=skill_ids)}
    changes, to_create, to_update = {}, [], []
    for key, raw in levels.items():
        skill_id = int(key)
        skill = skills.get(skill_id)
        if skill is None:
            raise DomainError("That skill is not in the current framework.", field=f"skill_{skill_id}")
        level = None if raw in (None, "") else _check_level(raw, field=f"skill_{skill_id}")
        descriptor = next((d.text for d in skill.descriptors.all() if d.level == level), "")
        rating = existing.get(skill_id)
        if rating is None:
            to_create.append(Rating(assessment=assessment, skill=skill, self_level=level, skill_name=skill.name, descriptor=descriptor))
            changes[skill.code] = [None, level]
        elif rating.self_level != level:
            changes[skill.code] = [rating.self_level, level]
            rating.self_level, rating.skill_name, rating.descriptor = level, skill.name, descriptor
            to_update.append(rating)
    Rating.objects.bulk_create(to_create)
    Rating.objects.bulk_update(to_update, ["self_level", "skill_name", "descriptor"])
    if changes:
        audit_record(actor=actor, action="skills.assessment_saved", target=assessment, subject=assessment.employee, changes=changes)
    return assessment


@transaction.atomic
def assessment_submit(*, actor, assessment: Assessment) -> Assessment:
    """Send the self-assessment to the manager. Every active skill must have a level."""
    assessment = Assessment.objects.select_for_update().select_related("campaign", "employee").get(pk=assessment.pk)
    if assessment.employee.user_id != actor.pk:
        raise PermissionDenied("You can only submit your own self-assessment.")
    _require_open(assessment.campaign)
    to = ASSESSMENT.check(assessment.status, "submit")
    answered = set(
        Rating.objects.filter(assessment=assessment, self_level__isnull=False).values_list("skill_id", flat=True)
    )
    missing = Skill.objects.filter(kind=Skill.Kind.SKILL, is_active=True).exclude(pk__in=answered).count()
    if missing:
        raise DomainError(f"Choose a level for every skill before submitting: {missing} still to answer.")
    assessment.status = to
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at"])
    audit_record(
        actor=actor, action="skills.assessment_submitted", target=assessment, subject=assessment.employee,
        changes={"status": [Assessment.Status.DRAFT, Assessment.Status.SUBMITTED]},
    )
    return assessment


@transaction.atomic
def assessment_validate(*, actor, assessment: Assessment, adjustments: dict | None = None) -> Assessment:
    """The manager validates a submitted self-assessment: agrees with each level, or adjusts some
    ({skill_id: (level, reason)}; a reason is required for each adjustment). The validated levels
    become the employee's current levels."""
    assessment = Assessment.objects.select_for_update().select_related("employee").get(pk=assessment.pk)
    if not permissions.can_validate(actor, assessment.employee):
        raise PermissionDenied("Only the employee's manager can validate this self-assessment.")
    to = ASSESSMENT.check(assessment.status, "validate")
    adjustments = {int(k): v for k, v in (adjustments or {}).items()}
    ratings = list(Rating.objects.filter(assessment=assessment))
    known = {r.skill_id for r in ratings}
    unknown = set(adjustments) - known
    if unknown:
        raise DomainError("You can only adjust skills that are in this assessment.", field=f"skill_{min(unknown)}")
    changes, validated = {}, {}
    for rating in ratings:
        level, reason = rating.self_level, ""
        if rating.skill_id in adjustments:
            raw_level, reason = adjustments[rating.skill_id]
            level = _check_level(raw_level, field=f"skill_{rating.skill_id}")
            reason = (reason or "").strip()
            if level != rating.self_level and not reason:
                raise DomainError("Give a reason for changing the level.", field=f"reason_{rating.skill_id}")
            if level != rating.self_level:
                changes[rating.skill_name] = [rating.self_level, level]
        rating.validated_level, rating.adjust_reason = level, reason if level != rating.self_level else ""
        if level is not None:
            validated[rating.skill_id] = level
    Rating.objects.bulk_update(ratings, ["validated_level", "adjust_reason"])
    assessment.status = to
    assessment.validated_at = timezone.now()
    assessment.validated_by = employee_for(actor)
    assessment.save(update_fields=["status", "validated_at", "validated_by"])
    _current_skills_raise_or_set(assessment.employee_id, validated, only_raise=False)
    audit_record(
        actor=actor, action="skills.assessment_validated", target=assessment, subject=assessment.employee,
        changes={"status": [Assessment.Status.SUBMITTED, Assessment.Status.VALIDATED], **changes},
    )
    return assessment


@transaction.atomic
def current_skills_rebuild(*, employee: Employee) -> CurrentSkills:
    """Recompute an employee's current levels from history (for repairs): the latest validated
    assessment level of each skill, raised by any later accepted evidence."""
    latest: dict[int, tuple] = {}
    for skill_id, level, when in Rating.objects.filter(
        assessment__employee=employee, assessment__status=Assessment.Status.VALIDATED, validated_level__isnull=False
    ).values_list("skill_id", "validated_level", "assessment__validated_at"):
        if skill_id not in latest or latest[skill_id][1] < when:
            latest[skill_id] = (level, when)
    levels = {sid: lv for sid, (lv, _) in latest.items()}
    for skill_id, level, when in Evidence.objects.filter(employee=employee, status=Evidence.Status.ACCEPTED).values_list(
        "skill_id", "level", "decided_at"
    ):
        if skill_id not in latest or latest[skill_id][1] <= when:
            levels[skill_id] = max(level, levels.get(skill_id, 0))
    row, _ = CurrentSkills.objects.update_or_create(employee=employee, defaults={"levels": {str(k): v for k, v in levels.items()}})
    return row


# ---------------------------------------------------------------------------------------------
# Framework editing (HR). Every edit bumps the framework version; assessments keep their copies.


def _require_hr(actor):
    if not permissions.can_manage_framework(actor):
        raise PermissionDenied("Only HR can change the skills framework.")


def _bump_version(actor, note: str) -> FrameworkVersion:
    number = (FrameworkVersion.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
    return FrameworkVersion.objects.create(number=number, note=note[:300], created_by=actor if actor.is_authenticated else None)


@transaction.atomic
def skill_save(*, actor, skill: Skill | None = None, parent: Skill | None, code: str = "", name: str, description: str = "",
               descriptors: dict[int, str] | None = None, is_active: bool = True, sort_order: int = 0) -> Skill:
    """Create a skill (or area, when parent is None) or change one, with its level descriptors.
    Skills are retired (is_active=False), never deleted, so past assessments keep their meaning."""
    _require_hr(actor)
    if not name.strip():
        raise DomainError("Enter a name.", field="name")
    if parent is not None and parent.kind != Skill.Kind.AREA:
        raise DomainError("A skill must sit under an area.", field="parent")
    creating = skill is None
    if creating:
        if not code or Skill.objects.filter(code=code).exists():
            raise DomainError("Enter a code that is not already used.", field="code")
        skill = Skill(code=code, kind=Skill.Kind.SKILL if parent else Skill.Kind.AREA)
    before = {"name": skill.name, "description": skill.description, "is_active": skill.is_active, "parent": skill.parent_id}
    skill.name, skill.description, skill.is_active, skill.parent, skill.sort_order = (
        name.strip(), description.strip(), is_active, parent, sort_order,
    )
    skill.save()
    changes = {k: [v, getattr(skill, "parent_id" if k == "parent" else k)] for k, v in before.items()
               if v != getattr(skill, "parent_id" if k == "parent" else k)}
    for level, text in (descriptors or {}).items():
        level = _check_level(level, field=f"descriptor_{level}")
        text = (text or "").strip()
        current = SkillDescriptor.objects.filter(skill=skill, level=level).first()
        if current and current.text != text:
            changes[f"descriptor_{level}"] = [current.text, text]
            if text:
                current.text = text
                current.save(update_fields=["text"])
            else:
                current.delete()
        elif not current and text:
            SkillDescriptor.objects.create(skill=skill, level=level, text=text)
            changes[f"descriptor_{level}"] = [None, text]
    if changes or creating:
        version = _bump_version(actor, f"{'Added' if creating else 'Changed'} {skill.name}")
        audit_record(actor=actor, action="skills.framework_changed", target=skill, changes=changes, note=str(version))
    return skill


# ---------------------------------------------------------------------------------------------
# Role profiles and requirements (HR).


@transaction.atomic
def requirement_set(*, actor, profile: RoleProfile, skill: Skill, level: int | None) -> RoleRequirement | None:
    """Set (or with None remove) the level a role profile needs in a skill. Gaps follow at once."""
    _require_hr(actor)
    if skill.kind != Skill.Kind.SKILL:
        raise DomainError("Requirements are set on skills, not areas.", field="skill")
    existing = RoleRequirement.objects.filter(profile=profile, skill=skill).first()
    before = existing.level if existing else None
    if level is None:
        if existing:
            existing.delete()
        result = None
    else:
        level = _check_level(level)
        result, _ = RoleRequirement.objects.update_or_create(profile=profile, skill=skill, defaults={"level": level})
    if before != level:
        audit_record(actor=actor, action="skills.requirement_changed", target=profile, changes={skill.code: [before, level]})
    return result


@transaction.atomic
def requirements_save(*, actor, profile: RoleProfile, levels: dict[Skill, int | str | None]) -> int:
    """Set a role profile's requirements from the whole form at once: `levels` maps each skill to the
    level wanted ("" or None removes it). All or nothing: one level that is not a level leaves every
    skill as it was. Returns how many requirements changed."""
    _require_hr(actor)
    current = dict(profile.requirements.values_list("skill_id", "level"))
    changed = 0
    for skill, raw in levels.items():
        if raw is None or raw == "":
            wanted = None
        elif isinstance(raw, int) or (raw.isascii() and raw.isdigit()):
            wanted = int(raw)
        else:
            raise DomainError(f"Choose a level from the list for {skill.name}.", field=f"skill_{skill.pk}")
        if wanted != current.get(skill.pk):
            requirement_set(actor=actor, profile=profile, skill=skill, level=wanted)
            changed += 1
    return changed


@transaction.atomic
def role_profile_assign(*, actor, employee: Employee, profile: RoleProfile | None) -> EmployeeRoleProfile | None:
    """Give an employee a role profile; None returns them to the default profile."""
    _require_hr(actor)
    existing = EmployeeRoleProfile.objects.filter(employee=employee).select_related("profile").first()
    before = existing.profile.name if existing else None
    if profile is None:
        if existing:
            existing.delete()
        result = None
    else:
        if not profile.is_active:
            raise DomainError("That role profile is no longer in use.", field="profile")
        result, _ = EmployeeRoleProfile.objects.update_or_create(
            employee=employee, defaults={"profile": profile, "assigned_by": actor, "rule": None}  # by hand
        )
    after = profile.name if profile else None
    if before != after:
        audit_record(actor=actor, action="skills.role_profile_assigned", target=employee, subject=employee,
                     changes={"role_profile": [before, after]})
    return result


# ---------------------------------------------------------------------------------------------
# Campaigns (HR) and reminders (Celery beat).


@transaction.atomic
def campaign_create(*, actor, name: str, opens_on, closes_on, org_unit: OrgUnit | None = None, reminder_every_days: int = 7) -> Campaign:
    _require_hr(actor)
    if not name.strip():
        raise DomainError("Enter a name for the campaign.", field="name")
    if closes_on < opens_on:
        raise DomainError("The closing date must be on or after the opening date.", field="closes_on")
    campaign = Campaign.objects.create(
        name=name.strip(), opens_on=opens_on, closes_on=closes_on, org_unit=org_unit,
        reminder_every_days=reminder_every_days, created_by=actor,
    )
    audit_record(actor=actor, action="skills.campaign_created", target=campaign)
    return campaign


def campaign_people(campaign: Campaign):
    from people.selectors import units_within

    qs = Employee.objects.filter(is_active=True)
    if campaign.org_unit_id:
        qs = qs.filter(org_unit__in=units_within([campaign.org_unit]))
    return qs


@transaction.atomic
def campaign_send_reminders(*, campaign_id: int, today=None) -> int:
    """Email everyone covered by an open campaign who has not submitted yet, each at most once
    every `reminder_every_days`. Returns how many were reminded. One queued email per person
    (core.mail), so one bad address does not hold back the rest and a mail outage is retried; a
    person counts as reminded only once the server accepted theirs (campaign_reminder_sent, its
    on_sent hook), so one that never went is sent by the next daily run."""
    today = today or timezone.localdate()
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if not campaign.is_open(today):
        return 0
    done = Assessment.objects.filter(campaign=campaign).exclude(status=Assessment.Status.DRAFT).values("employee_id")
    recent = CampaignReminder.objects.filter(
        campaign=campaign, sent_at__date__gt=today - dt.timedelta(days=campaign.reminder_every_days))
    people = list(campaign_people(campaign).exclude(pk__in=done).exclude(pk__in=recent.values("employee_id"))
                  .exclude(email="").values_list("pk", "email"))
    if not people:
        return 0
    subject = f"Reminder: complete your skills self-assessment ({campaign.name})"
    body = (
        f"Please complete your skills self-assessment for {campaign.name} by {campaign.closes_on:%-d %B %Y}.\n"
        "Sign in to the staff intranet and choose Skills."
    )
    mail_each_on_commit(
        (subject, body, [email], after_sent("skills_matrix.campaign_reminder_sent", campaign.pk, pk))
        for pk, email in people)
    campaign.last_reminded_on = today
    campaign.save(update_fields=["last_reminded_on"])
    audit_record(actor=None, action="skills.campaign_reminded", target=campaign, channel=AuditEntry.Channel.SYSTEM,
                 note=f"{len(people)} reminded")
    return len(people)


def campaign_reminder_sent(*, campaign_id: int, employee_id: int) -> None:
    """Record that the mail server accepted this person's reminder (the email's on_sent hook)."""
    CampaignReminder.objects.update_or_create(campaign_id=campaign_id, employee_id=employee_id,
                                              defaults={"sent_at": timezone.now()})
