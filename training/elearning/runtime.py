"""The SCORM run-time data a commit carries, checked and mapped onto an attempt's fields. Pure: no
database. scorm-again sends its CMI object as JSON (`dataCommitFormat: "json"`): SCORM 1.2 under
`cmi.core` (lesson_status, lesson_location, score, session_time, exit) plus `cmi.suspend_data`;
SCORM 2004 flat under `cmi` (completion_status, success_status, location, score.scaled, ...).

Vocabularies and sizes are the specifications': SCORM 1.2 RTE 3.4 (lesson_location 255, suspend_data
4096), SCORM 2004 4th Edition RTE 4.2 (location 1000, suspend_data 64000 characters)."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.errors import DomainError

LESSON_STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
COMPLETION_2004 = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_2004 = ("passed", "failed", "unknown")
EXIT_12 = ("time-out", "suspend", "logout", "")
EXIT_2004 = ("time-out", "suspend", "logout", "normal", "")
_ISO_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_TIMESPAN_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(?:\.(\d{1,2}))?$")


class CommitRefused(DomainError):
    pass


@dataclass
class RuntimeState:
    lesson_status: str
    completion_status: str
    success_status: str
    location: str
    suspend_data: str
    exit: str
    session_seconds: int | None
    score_raw: Decimal | None
    score_min: Decimal | None
    score_max: Decimal | None
    score_scaled: Decimal | None

    @property
    def satisfied(self) -> bool:
        """Finished as far as the intranet is concerned: passed, or completed with no pass mark."""
        return self.success_status == "passed" or (self.success_status == "unknown"
                                                   and self.completion_status == "completed")


def _text(data: dict, key: str, where: str, limit: int) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CommitRefused(f"{where}.{key} must be text.", field=f"{where}.{key}")
    if len(value) > limit:
        raise CommitRefused(f"{where}.{key} is {len(value)} characters; at most {limit} are kept.",
                            field=f"{where}.{key}")
    return value


def _choice(data: dict, key: str, where: str, allowed: tuple[str, ...], default: str) -> str:
    value = _text(data, key, where, 32) or default
    if value not in allowed:
        raise CommitRefused(f"{where}.{key} “{value}” is not one of: {', '.join(a or '(empty)' for a in allowed)}.",
                            field=f"{where}.{key}")
    return value


def _number(data: dict, key: str, where: str, low=None, high=None) -> Decimal | None:
    raw = data.get(key, "")
    if raw in ("", None):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise CommitRefused(f"{where}.{key} “{raw}” is not a number.", field=f"{where}.{key}") from None
    if not value.is_finite() or (low is not None and value < low) or (high is not None and value > high):
        raise CommitRefused(f"{where}.{key} {raw} is out of range.", field=f"{where}.{key}")
    return value


def duration_seconds(value: str, *, scorm12: bool, field: str) -> int | None:
    if not value:
        return None
    if scorm12:
        m = _TIMESPAN_12.match(value)
        if m:
            return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])
    else:
        m = _ISO_DURATION.match(value)
        if m and value not in ("P", "PT"):
            y, mo, d, h, mi, s = (float(g) if g else 0 for g in m.groups())
            return int(((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + s)
    raise CommitRefused(f"{field} “{value}” is not a duration.", field=field)


def _scaled(raw, low, high) -> Decimal | None:
    if raw is None:
        return None
    if low is not None and high is not None and high > low:
        return max(Decimal(0), min(Decimal(1), (raw - low) / (high - low))).quantize(Decimal("0.0001"))
    return max(Decimal(0), min(Decimal(1), raw / 100)).quantize(Decimal("0.0001"))


def runtime_state(payload, *, standard: str) -> RuntimeState:
    """What the commit says, or CommitRefused naming the element at fault."""
    if not isinstance(payload, dict) or not isinstance(payload.get("cmi"), dict):
        raise CommitRefused("The commit must be a JSON object with a “cmi” object.", field="cmi")
    cmi = payload["cmi"]
    if standard == "scorm12":
        core = cmi.get("core", {})
        if not isinstance(core, dict):
            raise CommitRefused("cmi.core must be an object.", field="cmi.core")
        score = core.get("score") or {}
        if not isinstance(score, dict):
            raise CommitRefused("cmi.core.score must be an object.", field="cmi.core.score")
        status = _choice(core, "lesson_status", "cmi.core", LESSON_STATUS_12, "not attempted")
        raw, low, high = (_number(score, k, "cmi.core.score", 0, 100) for k in ("raw", "min", "max"))
        completion = {"passed": "completed", "failed": "completed", "completed": "completed",
                      "browsed": "incomplete", "incomplete": "incomplete"}.get(status, "not attempted")
        return RuntimeState(
            lesson_status=status, completion_status=completion,
            success_status={"passed": "passed", "failed": "failed"}.get(status, "unknown"),
            location=_text(core, "lesson_location", "cmi.core", 255),
            suspend_data=_text(cmi, "suspend_data", "cmi", 4096),
            exit=_choice(core, "exit", "cmi.core", EXIT_12, ""),
            session_seconds=duration_seconds(_text(core, "session_time", "cmi.core", 32), scorm12=True,
                                             field="cmi.core.session_time"),
            score_raw=raw, score_min=low, score_max=high, score_scaled=_scaled(raw, low, high))
    score = cmi.get("score") or {}
    if not isinstance(score, dict):
        raise CommitRefused("cmi.score must be an object.", field="cmi.score")
    raw, low, high = (_number(score, k, "cmi.score") for k in ("raw", "min", "max"))
    scaled = _number(score, "scaled", "cmi.score", -1, 1)
    return RuntimeState(
        lesson_status="", completion_status=_choice(cmi, "completion_status", "cmi", COMPLETION_2004, "unknown"),
        success_status=_choice(cmi, "success_status", "cmi", SUCCESS_2004, "unknown"),
        location=_text(cmi, "location", "cmi", 1000), suspend_data=_text(cmi, "suspend_data", "cmi", 64000),
        exit=_choice(cmi, "exit", "cmi", EXIT_2004, ""),
        session_seconds=duration_seconds(_text(cmi, "session_time", "cmi", 64), scorm12=False,
                                         field="cmi.session_time"),
        score_raw=raw, score_min=low, score_max=high,
        score_scaled=scaled.quantize(Decimal("0.0001")) if scaled is not None else _scaled(raw, low, high))


def initial_cmi(attempt, *, learner_id: str, learner_name: str) -> dict:
    """What scorm-again's loadFromJSON gets when the player opens: the bookmark and suspend data
    back, entry "resume" after a suspend (RTE: cmi.entry / cmi.core.entry)."""
    resume = attempt.exit == "suspend"
    if attempt.package.standard == "scorm12":
        core = {"student_id": learner_id, "student_name": learner_name, "lesson_location": attempt.location,
                "entry": "resume" if resume else ("" if attempt.sessions > 1 else "ab-initio"),
                "lesson_status": attempt.lesson_status or "not attempted"}
        return {"core": core, "suspend_data": attempt.suspend_data}
    state = {"learner_id": learner_id, "learner_name": learner_name, "location": attempt.location,
             "suspend_data": attempt.suspend_data, "entry": "resume" if resume else "ab-initio",
             "completion_status": attempt.completion_status, "success_status": attempt.success_status}
    return {k: v for k, v in state.items() if v not in ("",) or k in ("learner_id", "learner_name")}
