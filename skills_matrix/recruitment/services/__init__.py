"""Writes for recruitment tests. Every function is atomic, takes keyword-only arguments and records
state changes in the audit log. Applicant actions have no actor (the applicant has no account).

The package, by workflow:
  bank.py         the question bank and test templates
  links.py        applicant links: tokens, lookup, why a link cannot be used, the link email
  invitations.py  inviting, revoking, re-issuing, adjustments
  attempts.py     taking the test: start, answers, submit, time-out, finishing (row locks)
  scoring.py      marking an attempt, starting levels a result supports
  hand_over.py    hiring and the hand-over of results to the new employee's skills profile
  retention.py    purging applicants' personal data, recording exports
"""

from .attempts import (
    AnswerOutcome,
    answer_clean,
    answer_save,
    attempt_close_if_overdue,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
    staff_attempt_start,
    time_allowed,
)
from .bank import (
    AreaSpec,
    bank_shortfalls,
    question_create,
    question_edit,
    question_set_active,
    template_create,
    template_edit,
    template_set_active,
    template_shortfalls,
    templates_left_short,
)
from .hand_over import EVIDENCE_SOURCE, applicant_hand_over, applicant_mark_hired, hand_over_hired
from .invitations import (
    DEFAULT_LINK_DAYS,
    invitation_create,
    invitation_reissue,
    invitation_revoke,
    invitation_set_adjustments,
)
from .links import applicant_link, invitation_by_token, link_problem, token_hash
from .retention import applicant_export_recorded, applicants_purge, retention_days
from .scoring import skill_levels_from

__all__ = [
    "DEFAULT_LINK_DAYS", "EVIDENCE_SOURCE", "AnswerOutcome", "AreaSpec", "answer_clean", "answer_save",
    "applicant_export_recorded", "applicant_hand_over", "applicant_link", "applicant_mark_hired", "applicants_purge",
    "attempt_close_if_overdue", "attempt_start", "attempt_submit", "attempts_close_overdue", "hand_over_hired",
    "invitation_by_token", "invitation_create", "invitation_reissue", "invitation_revoke",
    "invitation_set_adjustments", "link_problem", "question_create", "question_edit", "question_set_active",
    "retention_days", "skill_levels_from", "template_create", "time_allowed", "token_hash",
    "bank_shortfalls", "staff_attempt_start", "template_edit", "template_set_active", "template_shortfalls", "templates_left_short",
]
