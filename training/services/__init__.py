"""Writes for training, one module per workflow. Each function is one atomic change with its audit
entry; emails go out after commit, so a rolled-back change tells nobody anything.

    catalogue        courses, e-learning content providers
    sessions         scheduling, changing and cancelling sessions; session reminders
    quiz             the end-of-course quiz: attempts, draws, marking
    reminders        marking reminders sent once the mail server accepted them
    bookings         booking, approval, cancelling, the waiting list, the register
    completions      completions and the skills evidence they raise
    elearning        SCORM / cmi5 packages: upload, attempts, the player's commits
    assignments      assignments by managers and learning staff; reminders and escalations
    auto_assignment  skills gaps -> assignments, and the rules that run it
    mandatory        mandatory/statutory courses: the rules, first and renewal assignments
    champions        digital champions, help requests, help logs

Lock order (to keep concurrent bookings deadlock-free): the Session row first, then the learner's
Employee row, then Booking rows. Every path that changes places on a session follows it.

Nothing here imports `training.tasks`: the tasks call these services, and queuing a task is the
tasks module's job (`tasks.auto_assignment_request_run`).
"""

from .assignments import (
    assignment_create,
    assignment_reminders_send,
    assignment_withdraw,
    assignments_overdue_escalate,
    assignments_overdue_tell,
)
from .auto_assignment import (
    assignments_from_gaps,
    auto_assignment_rule_save,
    auto_assignment_run,
    courses_for_gap,
)
from .bookings import (
    booking_cancel,
    booking_create,
    booking_decide,
    booking_mark_attendance,
)
from .catalogue import content_provider_issue_key, course_save
from .champions import (
    champion_save,
    champion_unit_for,
    help_log_record,
    help_request_create,
    help_request_take,
)
from .completions import completion_record
from .elearning import attempt_commit, attempt_launch, attempt_open, package_upload
from .mandatory import mandatory_assignments_run, mandatory_course_create, mandatory_course_retire
from .quiz import QuizResult, content_opened_record, quiz_start, quiz_submit
from .reminders import assignments_mark_sent, bookings_mark_reminded
from .sessions import (
    pending_bookings_expire,
    session_cancel,
    session_create,
    session_reminders_send,
    session_update,
)

__all__ = [
    "QuizResult",
    "assignment_create",
    "attempt_commit",
    "attempt_launch",
    "attempt_open",
    "assignment_reminders_send",
    "assignment_withdraw",
    "assignments_from_gaps",
    "assignments_mark_sent",
    "assignments_overdue_escalate",
    "assignments_overdue_tell",
    "auto_assignment_rule_save",
    "auto_assignment_run",
    "booking_cancel",
    "booking_create",
    "booking_decide",
    "booking_mark_attendance",
    "bookings_mark_reminded",
    "champion_save",
    "champion_unit_for",
    "completion_record",
    "content_opened_record",
    "content_provider_issue_key",
    "course_save",
    "courses_for_gap",
    "help_log_record",
    "help_request_create",
    "help_request_take",
    "mandatory_assignments_run",
    "mandatory_course_create",
    "mandatory_course_retire",
    "package_upload",
    "pending_bookings_expire",
    "quiz_start",
    "quiz_submit",
    "session_cancel",
    "session_create",
    "session_reminders_send",
    "session_update",
]
