"""HR and payroll self-service: configurable request types, requests and their approvals, leave
entitlements, delegations, pay periods, payslips and bank details (encrypted at rest).

Models hold data and invariants only; the workflow lives in `workflow.py` and every write goes
through `services.py`.
"""

from decimal import ROUND_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from people.models import AuditEntry, Employee

from .storage import private_storage


class Channel(models.TextChoices):
    """How a request reached us: the adoption metrics count these."""

    ONLINE = AuditEntry.Channel.ONLINE.value, "Self-service online"
    ASSISTED = AuditEntry.Channel.ASSISTED.value, "Assisted (HR or a digital champion)"
    PAPER = AuditEntry.Channel.PAPER.value, "Paper form keyed in"


class RequestType(models.Model):
    """A kind of request HR can configure without a deploy.

    `fields` is a list of field definitions, each
        {"name": "reason", "label": "Reason", "type": "text|textarea|date|decimal|integer|choice|email|
         phone|boolean", "required": true, "choices": ["a", "b"], "help": "..."}
    and `approval_chain` a list of levels, each
        {"approver": "line_manager|head_of_service|hr|payroll",
         "when": {"field": "hours", "over": 10}}   (optional: the level applies only above a threshold)
    An empty chain means the request goes straight to the processing team on submission.
    """

    class Kind(models.TextChoices):
        GENERAL = "general", "General form"
        ANNUAL_LEAVE = "annual_leave", "Annual leave"
        BANK_DETAILS = "bank_details", "Bank details change"

    class Team(models.TextChoices):
        HR = "hr", "HR"
        PAYROLL = "payroll", "Payroll"

    class Visibility(models.TextChoices):
        """Who may see a request of this type besides the employee (and whoever keyed it in for them),
        the processing team and a team it waits for. The one rule: `selectors.requests_visible_to`
        (pages, API, attachments, search) and routing read it."""

        LINE_MANAGEMENT = "line_management", "Also their managers (line manager, head of service, director)"
        PROCESSING_TEAM = "processing_team", "Only the processing team: personal, never their managers"

    PERSON_APPROVERS = ("line_manager", "head_of_service")

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    fields = models.JSONField(default=list, blank=True)
    approval_chain = models.JSONField(default=list, blank=True)
    processing_team = models.CharField(max_length=8, choices=Team.choices, default=Team.HR)
    affects_payroll = models.BooleanField(default=False)
    attachments_allowed = models.BooleanField(default=True)
    attachment_required = models.BooleanField(default=False, help_text="E.g. receipts, evidence of a name change.")
    attachment_hint = models.CharField(max_length=200, blank=True, help_text="What to attach, e.g. your receipts.")
    decision_deadline_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Statutory decision deadline in calendar days (flexible working: 2 months)."
    )
    reminder_working_days = models.PositiveIntegerField(null=True, blank=True, help_text="Blank: the default.")
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.LINE_MANAGEMENT,
        help_text="Personal requests (home address, contacts, a change of name, bank details) are seen by the "
                  "processing team only: their approval chain cannot include the line manager or head of service.")
    is_active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    APPROVERS = ("line_manager", "head_of_service", "hr", "payroll")
    FIELD_TYPES = ("text", "textarea", "date", "decimal", "integer", "choice", "email", "phone", "boolean")

    def clean(self):
        """HR edits `fields` and `approval_chain` as JSON: check their shape so a typo cannot break
        the request form or route a request to nobody."""
        from django.core.exceptions import ValidationError

        errors = {}
        names = set()
        if not isinstance(self.fields, list):
            errors["fields"] = "Fields must be a list of field definitions."
        else:
            for i, spec in enumerate(self.fields, start=1):
                if not isinstance(spec, dict) or not str(spec.get("name", "")).isidentifier():
                    errors["fields"] = f"Field {i} needs a “name” made of letters, digits and underscores."
                    break
                if spec.get("type", "text") not in self.FIELD_TYPES:
                    errors["fields"] = f"Field {i} has an unknown type. Use one of: {', '.join(self.FIELD_TYPES)}."
                    break
                if spec.get("type") == "choice" and not spec.get("choices"):
                    errors["fields"] = f"Field {i} is a choice: give its “choices”."
                    break
                if spec["name"] in names:
                    errors["fields"] = f"Field {i}: the name “{spec['name']}” is used twice."
                    break
                names.add(spec["name"])
        if not isinstance(self.approval_chain, list):
            errors["approval_chain"] = "The approval chain must be a list of levels."
        else:
            for i, level in enumerate(self.approval_chain, start=1):
                if not isinstance(level, dict) or level.get("approver") not in self.APPROVERS:
                    errors["approval_chain"] = f"Level {i}: “approver” must be one of: {', '.join(self.APPROVERS)}."
                    break
                when = level.get("when")
                if when is not None and not (isinstance(when, dict) and when.get("field") in names
                                             and isinstance(when.get("over"), int | float)):
                    errors["approval_chain"] = (f"Level {i}: “when” needs a “field” of this form and a number "
                                                "“over”, e.g. {\"field\": \"hours\", \"over\": 10}.")
                    break
        errors.update(self._visibility_errors())
        if errors:
            raise ValidationError(errors)

    @property
    def managers_may_see(self) -> bool:
        return self.visibility == self.Visibility.LINE_MANAGEMENT

    def _visibility_errors(self) -> dict:
        """A personal type never goes to the employee's managers; bank details go to payroll only."""
        chain = self.approval_chain if isinstance(self.approval_chain, list) else []
        approvers = [lvl.get("approver") for lvl in chain if isinstance(lvl, dict)]
        if self.kind == self.Kind.BANK_DETAILS:
            if self.visibility != self.Visibility.PROCESSING_TEAM:
                return {"visibility": "Bank details are seen by payroll only, never by the employee's managers."}
            if self.processing_team != self.Team.PAYROLL or any(a != "payroll" for a in approvers):
                return {"approval_chain": "Bank details changes are approved by payroll only: every level must be "
                                          "“payroll” and Payroll must process them."}
        if not self.managers_may_see:
            for i, approver in enumerate(approvers, start=1):
                if approver in self.PERSON_APPROVERS:
                    return {"approval_chain": f"Level {i}: this type is seen by the processing team only, so it "
                                              "cannot go to the line manager or head of service. Use hr or payroll."}
        return {}


class Request(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for approval"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        PROCESSED = "processed", "Processed"

    type = models.ForeignKey(RequestType, on_delete=models.PROTECT, related_name="requests")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="self_service_requests")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    # Annual leave is queried (overlaps, balances), so its dates are columns rather than JSON.
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    start_half_day = models.BooleanField(default=False, help_text="First day: afternoon only.")
    end_half_day = models.BooleanField(default=False, help_text="Last day: morning only.")
    days = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # Whose decision the request is waiting for: a person (line manager, head of service; acting
    # managers act for them through Delegation) or a role queue.
    approval_level = models.PositiveSmallIntegerField(default=0)
    current_approver = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests_to_approve"
    )
    current_approver_role = models.CharField(max_length=16, blank=True)
    awaiting_since = models.DateTimeField(null=True, blank=True)
    # reminded_at: the mail server accepted the last reminder (core.mail on_sent); reminder_queued_at:
    # one was queued, so the next run does not queue another while the mail task is still retrying
    # (cleared when the reminder is recorded as sent).
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_queued_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decision_due = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pay_period = models.ForeignKey(
        "PayPeriod", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    exported_in = models.ForeignKey(
        "PayrollExport", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 (very dissatisfied) to 5.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["employee", "status"]),
            models.Index(fields=["current_approver", "status"]),
            models.Index(fields=["status", "type"]),
            models.Index(fields=["channel", "created_at"]),
            # the processing queue: approved requests, oldest decision first, read a page at a time
            models.Index(fields=["status", "decided_at", "id"], name="request_status_decided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__lte=F("end_date")), name="request_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="request_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.type.name} #{self.pk}"

    @property
    def reference(self) -> str:
        return f"SS-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.SUBMITTED, self.Status.RETURNED}


class Approval(models.Model):
    """One decision at one level of a request's approval chain."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        RETURNED = "returned", "Returned for changes"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="approvals")
    level = models.PositiveSmallIntegerField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acting_for = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_decision_display()} at level {self.level}"


class Comment(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    status_at_time = models.CharField(max_length=16, choices=Request.Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment on request {self.request_id}"


def attachment_path(instance, filename):
    return f"self-service/{instance.request_id}/{filename}"


class Attachment(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name


class Delegation(models.Model):
    """An acting manager approves for `manager` between the dates (inclusive)."""

    manager = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="delegations_given")
    delegate = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="delegations_received")
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        indexes = [models.Index(fields=["delegate", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=~Q(manager=F("delegate")), name="delegation_not_to_self"),
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="delegation_dates_in_order"),
        ]

    def __str__(self):
        return f"{self.delegate} acting for {self.manager} {self.starts_on}–{self.ends_on}"


class LeaveEntitlement(models.Model):
    """Annual leave for one leave year (the calendar year). Full-time days are pro-rated by FTE and
    rounded up to the nearest half day, as most council leave policies do."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="leave_entitlements")
    year = models.PositiveIntegerField()
    full_time_days = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("27"))
    fte = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("1"),
                              help_text="1 for full time, 0.6 for three days a week.")
    carried_over = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="one_entitlement_per_year"),
            models.CheckConstraint(condition=Q(fte__gt=0, fte__lte=1), name="entitlement_fte_range"),
        ]

    @property
    def total_days(self) -> Decimal:
        pro_rata = self.full_time_days * self.fte
        half_days = (pro_rata * 2).quantize(Decimal("1"), rounding=ROUND_UP)
        return half_days / 2 + self.carried_over

    def __str__(self):
        return f"{self.employee} {self.year}"


WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FULL_TIME_WEEK = frozenset(range(5))  # Monday to Friday, as `date.weekday()` numbers them


class WorkingPattern(models.Model):
    """The weekdays an employee works. Leave is charged only for these days (less bank holidays that
    fall on them); with no pattern recorded the employee works Monday to Friday."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="working_pattern")
    monday = models.BooleanField(default=True)
    tuesday = models.BooleanField(default=True)
    wednesday = models.BooleanField(default=True)
    thursday = models.BooleanField(default=True)
    friday = models.BooleanField(default=True)
    saturday = models.BooleanField(default=False)
    sunday = models.BooleanField(default=False)
    hours_per_day = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True,
                                        help_text="Optional, for HR's records: leave is booked in days.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(monday=True) | Q(tuesday=True) | Q(wednesday=True) | Q(thursday=True)
                | Q(friday=True) | Q(saturday=True) | Q(sunday=True),
                name="working_pattern_has_a_day",
            ),
            models.CheckConstraint(condition=Q(hours_per_day__isnull=True) | Q(hours_per_day__gt=0,
                                                                               hours_per_day__lte=24),
                                   name="working_pattern_hours_range"),
        ]

    @staticmethod
    def weekdays_from(flags) -> frozenset[int]:
        return frozenset(i for i, worked in enumerate(flags) if worked)

    @property
    def weekdays(self) -> frozenset[int]:
        return self.weekdays_from(getattr(self, f) for f in WEEKDAY_FIELDS)

    @staticmethod
    def fte_for(weekdays: frozenset[int]) -> Decimal:
        """Days worked out of a five-day week, at most 1: the FTE used to pro-rate leave entitlement."""
        return min(Decimal(len(weekdays)) / 5, Decimal("1")).quantize(Decimal("0.001"))

    def describe(self) -> str:
        return ", ".join(f.capitalize() for f in WEEKDAY_FIELDS if getattr(self, f))

    def __str__(self):
        return f"{self.employee}: {self.describe()}"


# Payroll's models live in payroll_models.py (size); imported here so Django registers them with the app.
from .payroll_models import (  # noqa: E402
    BankAccount,
    BankDetailsChange,
    PayPeriod,
    PayrollExport,
    PayrollImport,
    Payslip,
)

__all__ = [
    "Approval", "Attachment", "BankAccount", "BankDetailsChange", "Channel", "Comment", "Delegation",
    "LeaveEntitlement", "PayPeriod", "PayrollExport", "PayrollImport", "Payslip", "Request", "RequestType",
    "WorkingPattern",
]
