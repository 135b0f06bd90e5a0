"""E-learning packages played inside the intranet: uploading a version, opening an attempt,
launching it in the player, and taking the SCO's commits. A satisfied attempt (passed, or completed
without a pass mark) completes the course through completion_record, so assignments close and
skills evidence is raised as for every other completion.

Audited: each upload, each attempt started, each attempt finished. The commits in between are the
SCO's run-time data (like a quiz's answers before marking): stored, not audited one by one.

Lock order: the attempt row alone (commits); opening an attempt locks the learner's Employee row
first, so two tabs cannot open two attempts."""

import secrets
import shutil
import tempfile
import uuid
import zipfile
import zlib

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import DomainError
from lrs.services import launch_tokens_revoke
from people.audit import audit_record
from people.models import Employee
from people.selectors import employee_for

from ..elearning.manifest import Limits, PackageRefused, package_read
from ..elearning.runtime import runtime_state
from ..models import Assignment, Completion, Course, ElearningAttempt, ElearningPackage
from ..permissions import can_manage_catalogue
from .completions import completion_record

CHUNK = 1024 * 1024


def _store_files(prefix: str, archive, members, written: dict[str, str]) -> None:
    """Write every member under `prefix` in the private storage, adding each stored name to
    `written` (path in the package -> name in storage, which may differ: storages make names safe)
    as it lands, so a failure part way can remove what was written. zipfile stops reading a member at its declared size and checks its
    CRC, so a member cannot unpack to more than the size the limits were checked against."""
    storage = storages["private"]
    for member in members:
        # Unpacked (and its CRC checked) before it reaches the storage, so a damaged member never
        # leaves a partial file there that `written` would not know about.
        with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as unpacked:
            try:
                with archive.open(member) as source:
                    shutil.copyfileobj(source, unpacked, CHUNK)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise PackageRefused(f"“{member.filename}” is damaged in the zip ({exc}). Export the package "
                                     "again.") from None
            unpacked.seek(0)
            written[member.filename] = storage.save(f"{prefix}/{member.filename}", File(unpacked))


def _remove_files(names) -> None:
    storage = storages["private"]
    for name in names:
        storage.delete(name)


def package_upload(*, actor, course: Course, upload, limits: Limits | None = None) -> ElearningPackage:
    """Check the zip, store its files in private storage and record it as the course's new current
    version. A refused package (PackageRefused names why) leaves nothing behind: no row, no file.
    Attempts in progress keep the version they started on."""
    if not can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators upload e-learning.")
    if course.kind != Course.Kind.ELEARNING:
        raise DomainError("Only e-learning courses can hold a package.", field="package")
    info, archive, members = package_read(upload, limits)
    prefix = f"elearning/{uuid.uuid4().hex}"
    written: dict[str, str] = {}
    try:
        _store_files(prefix, archive, members, written)
        with transaction.atomic():
            Course.objects.select_for_update().filter(pk=course.pk).first()  # one version number at a time
            last = ElearningPackage.objects.filter(course=course).aggregate(v=Max("version"))["v"] or 0
            ElearningPackage.objects.filter(course=course, is_current=True).update(is_current=False)
            package = ElearningPackage.objects.create(
                course=course, version=last + 1, standard=info.standard, edition=info.edition, title=info.title,
                launch_path=info.launch_path, storage_prefix=prefix, files=dict(sorted(written.items())),
                total_bytes=info.total_bytes, activity_iri=info.activity_iri, move_on=info.move_on,
                mastery_score=info.mastery_score, is_current=True, uploaded_by=actor)
            audit_record(actor=actor, action="elearning.package_uploaded", target=package,
                         note=f"{course.code} version {package.version} ({package.get_standard_display()}, "
                              f"{len(info.files)} files)")
    except BaseException:
        _remove_files(written.values())
        raise
    finally:
        archive.close()
    return package


def _open_assignment(employee: Employee, course: Course) -> Assignment | None:
    return Assignment.objects.filter(employee=employee, course=course, status=Assignment.Status.OPEN).first()


@transaction.atomic
def attempt_open(*, actor, employee: Employee, course: Course, again: bool = False) -> ElearningAttempt:
    """The learner's attempt in progress at the course's e-learning, or a new one on its current
    package version. `again` starts afresh even when one is in progress (that one is left as it is
    and no longer resumed)."""
    me = employee_for(actor)
    if me is None or me.pk != employee.pk:
        raise PermissionDenied("Only the learner plays their e-learning.")
    Employee.objects.select_for_update().filter(pk=employee.pk).first()
    current = ElearningAttempt.objects.filter(employee=employee, course=course, finished_at__isnull=True).first()
    if current is not None and not again:
        return current
    package = ElearningPackage.objects.filter(course=course, is_current=True).first()
    if package is None or not course.is_active:
        raise DomainError("This course has no e-learning to play.")
    now = timezone.now()
    if current is not None:
        # Left unfinished; the unique "one open" constraint is kept by closing it without completion.
        current.finished_at = now
        current.save(update_fields=["finished_at"])
        audit_record(actor=actor, action="elearning.attempt_abandoned", target=current, subject=employee)
    attempt = ElearningAttempt.objects.create(employee=employee, course=course, package=package,
                                              assignment=_open_assignment(employee, course), started_at=now)
    audit_record(actor=actor, action="elearning.attempt_started", target=attempt, subject=employee,
                 note=f"{course.code} version {package.version}")
    return attempt


@transaction.atomic
def attempt_launch(*, attempt: ElearningAttempt) -> tuple[ElearningAttempt, str]:
    """The player opened (or reopened) the attempt: a new session. The last session's time joins
    the total, commits start counting again, and a fresh commit key is returned: commits from an
    older page (a replay after a newer launch) no longer land."""
    locked = ElearningAttempt.objects.select_for_update().select_related("package").get(pk=attempt.pk)
    locked.total_seconds += locked.session_seconds
    locked.session_seconds = 0
    locked.sessions += 1
    locked.commit_sequence = 0
    key = secrets.token_urlsafe(24)
    locked.commit_key = key
    locked.save(update_fields=["total_seconds", "session_seconds", "sessions", "commit_sequence", "commit_key"])
    return locked, key


def attempt_commit(*, user, attempt_id: int, key: str, payload, sequence: int | None = None) -> ElearningAttempt:
    """Store what the SCO committed. A constant number of queries: the attempt row locked (with its
    package), one UPDATE; completing the course adds completion_record's writes once.

    Refused (CommitRefused / DomainError naming the element): not the learner's, a stale commit key,
    a malformed value. A commit older than the last one taken in this session (a replay) is ignored."""
    with transaction.atomic():
        attempt = (ElearningAttempt.objects.select_for_update(of=("self",)).select_related("package", "employee")
                   .filter(pk=attempt_id, employee__user=user).first())
        if attempt is None:
            raise DomainError("No such attempt.", status_code=404)
        if not attempt.commit_key or not secrets.compare_digest(attempt.commit_key, key):
            raise DomainError("This page was opened again elsewhere: reload it to carry on.", status_code=409)
        if attempt.finished_at is not None:
            return attempt
        if sequence is not None and sequence <= attempt.commit_sequence:
            return attempt
        state = runtime_state(payload, standard=attempt.package.standard)
        fields = ["lesson_status", "completion_status", "success_status", "location", "suspend_data", "exit",
                  "score_raw", "score_min", "score_max", "score_scaled", "last_commit_at", "commit_sequence"]
        for name in fields[:10]:
            setattr(attempt, name, getattr(state, name))
        if state.session_seconds is not None:
            attempt.session_seconds = state.session_seconds
            fields.append("session_seconds")
        attempt.last_commit_at = timezone.now()
        attempt.commit_sequence = sequence if sequence is not None else attempt.commit_sequence + 1
        if state.satisfied:
            _finish(attempt, actor=user)
            fields += ["finished_at", "completion"]
        attempt.save(update_fields=fields)
    return attempt


def _finish(attempt: ElearningAttempt, *, actor) -> None:
    """Completes the course once per assignment (or once in all without one), as the quiz does."""
    attempt.finished_at = timezone.now()
    if attempt.assignment_id:
        repeat = not Assignment.objects.filter(pk=attempt.assignment_id, status=Assignment.Status.OPEN).exists()
    else:
        repeat = Completion.objects.filter(employee=attempt.employee, course_id=attempt.course_id).exists()
    if repeat:
        audit_record(actor=actor, action="elearning.finished_again", target=attempt, subject=attempt.employee)
        return
    attempt.completion = completion_record(
        actor=actor, employee=attempt.employee, course=attempt.course, source=Completion.Source.ELEARNING,
        score_scaled=attempt.score_scaled, score_raw=attempt.score_raw)
    audit_record(actor=actor, action="elearning.attempt_finished", target=attempt, subject=attempt.employee,
                 note=f"{attempt.success_status}/{attempt.completion_status}")


def _move_on_satisfied(move_on: str, verbs: set[str]) -> bool:
    return {
        "Completed": "completed" in verbs, "Passed": "passed" in verbs,
        "CompletedAndPassed": {"completed", "passed"} <= verbs,
        "CompletedOrPassed": bool({"completed", "passed"} & verbs),
    }.get(move_on, bool({"completed", "passed"} & verbs))


@transaction.atomic
def attempt_cmi5_report(*, registration: str, verbs: set[tuple[str, str]],
                        scores: dict[str, tuple]) -> ElearningAttempt | None:
    """What a cmi5 AU reported in its registration ((activity id, verb) pairs, and the last
    (scaled, raw) score per activity; only the launched AU's own count): the
    attempt keeps `completed` / `passed` / `failed` across requests; when they satisfy the AU's moveOn
    (cmi5 section 10), the attempt finishes and completes the course as a SCORM commit would. The
    registration ends when the AU then terminates: its launch tokens are revoked, so nothing more is
    written in it."""
    attempt = (ElearningAttempt.objects.select_for_update(of=("self",)).select_related("package", "employee__user")
               .filter(registration=registration).first())
    if attempt is None:
        return None
    done = {verb for activity, verb in verbs if activity == attempt.package.activity_iri}
    if attempt.finished_at is not None:
        if "terminated" in done:
            launch_tokens_revoke(registration=registration)
        return attempt
    if "completed" in done:
        attempt.completion_status = "completed"
    if "passed" in done:
        attempt.success_status = "passed"
    elif "failed" in done and attempt.success_status != "passed":
        attempt.success_status = "failed"
    score_scaled, score_raw = scores.get(attempt.package.activity_iri, (None, None))
    if score_scaled is not None:
        attempt.score_scaled = score_scaled
    if score_raw is not None:
        attempt.score_raw = score_raw
    attempt.last_commit_at = timezone.now()
    fields = ["completion_status", "success_status", "score_scaled", "score_raw", "last_commit_at"]
    so_far = ({"completed"} if attempt.completion_status == "completed" else set()) | (
        {"passed"} if attempt.success_status == "passed" else set())
    if _move_on_satisfied(attempt.package.move_on, so_far):
        _finish(attempt, actor=attempt.employee.user)
        fields += ["finished_at", "completion"]
        if "terminated" in done:
            launch_tokens_revoke(registration=registration)
    attempt.save(update_fields=fields)
    return attempt
