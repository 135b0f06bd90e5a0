"""Demo data: pay periods with payslips, leave entitlements and a realistic mix of requests across
types, statuses and channels. Deterministic (uses the rng given) and bulk, so it stays fast."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from people.models import Employee

from . import crypto
from .models import (
    Approval,
    BankDetailsChange,
    Channel,
    LeaveEntitlement,
    PayPeriod,
    Payslip,
    Request,
    RequestType,
)
from .workdays import working_days_in

S = Request.Status


def _periods(today: dt.date) -> list[PayPeriod]:
    periods = []
    for back in (2, 1, 0):
        month = (today.month - back - 1) % 12 + 1
        year = today.year + ((today.month - back - 1) // 12)
        start = dt.date(year, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        p, _ = PayPeriod.objects.get_or_create(code=f"{year}-{month:02d}", defaults={
            "name": start.strftime("%B %Y"), "starts_on": start, "ends_on": end,
            "cutoff_on": end - dt.timedelta(days=10), "pay_date": end - dt.timedelta(days=3)})
        periods.append(p)
    return periods


def seed(*, rng, staff_count: int, stdout) -> None:
    today = timezone.localdate()
    now = timezone.now()
    periods = _periods(today)
    staff = list(Employee.objects.filter(is_active=True).select_related("user", "line_manager").order_by("id"))
    if not staff:
        return
    # Payslips for the two closed periods.
    payslips = []
    for emp in staff:
        if not emp.employee_number:
            continue
        gross = Decimal(rng.randrange(1_700_00, 5_200_00)) / 100
        for p in periods[:2]:
            tax = (gross * Decimal("0.2") - Decimal("209.50")).quantize(Decimal("0.01")).max(Decimal("0"))
            ni = (gross * Decimal("0.08") - Decimal("83.80")).quantize(Decimal("0.01")).max(Decimal("0"))
            pension = (gross * Decimal("0.065")).quantize(Decimal("0.01"))
            other = Decimal(rng.choice([0, 0, 0, 12, 25])).quantize(Decimal("0.01"))
            payslips.append(Payslip(employee=emp, period=p, tax_code="1257L", gross_pay=gross, income_tax=tax,
                                    national_insurance=ni, pension=pension, other_deductions=other,
                                    net_pay=gross - tax - ni - pension - other))
    Payslip.objects.bulk_create(payslips, batch_size=2000, ignore_conflicts=True)
    LeaveEntitlement.objects.bulk_create([
        LeaveEntitlement(employee=e, year=today.year, full_time_days=Decimal(rng.choice([27, 27, 29, 32])),
                         fte=Decimal(rng.choice(["1", "1", "1", "0.8", "0.6"])))
        for e in staff], ignore_conflicts=True, batch_size=2000)

    types = {t.code: t for t in RequestType.objects.all()}
    simple = [c for c in ("overtime", "mileage-expenses", "home-address", "emergency-contacts", "flexible-working",
                          "digital-request", "working-hours") if c in types]
    statuses = [S.SUBMITTED] * 3 + [S.APPROVED] * 2 + [S.PROCESSED] * 4 + [S.REJECTED, S.RETURNED, S.WITHDRAWN, S.DRAFT]
    settled = [S.PROCESSED] * 6 + [S.APPROVED, S.REJECTED, S.WITHDRAWN]  # older requests have been decided
    requests = []
    with_manager = [e for e in staff if e.line_manager_id and e.user_id]
    for emp in rng.sample(with_manager, min(len(with_manager), max(10, len(with_manager) // 2))):
        for _ in range(rng.randint(1, 3)):
            # A year of requests, busier lately, and more of them made online as staff take it up
            # (the dashboard's digital take-up and channel shift trends).
            age = 1 + int(364 * rng.random() ** 1.3)
            status = rng.choice(statuses if age <= 30 else settled)
            submitted = now - dt.timedelta(days=age)
            online = 0.5 + 0.38 * (1 - age / 365)
            channel = Channel.ONLINE if rng.random() < online else rng.choice([Channel.ASSISTED] * 2 + [Channel.PAPER])
            req = Request(employee=emp, submitted_by=emp.user, channel=channel, status=status,
                          submitted_at=None if status == S.DRAFT else submitted)
            if rng.random() < 0.4:
                start = (today + dt.timedelta(days=rng.randint(-60, 90)) if age <= 30
                         else submitted.date() + dt.timedelta(days=rng.randint(7, 45)))
                days = working_days_in(start, start + dt.timedelta(days=rng.randint(0, 6)))
                if not days:
                    continue
                req.type = types["annual-leave"]
                req.start_date, req.end_date, req.days = days[0], days[-1], Decimal(len(days))
                req.data = {"start_date": days[0].isoformat(), "end_date": days[-1].isoformat(),
                            "start_half_day": False, "end_half_day": False, "note": ""}
                req.summary = f"{days[0]} to {days[-1]}"
            else:
                code = rng.choice(simple)
                req.type = types[code]
                req.data = {"date": (today - dt.timedelta(days=rng.randint(1, 40))).isoformat(),
                            "reason": "Demo request", "hours": str(rng.randint(1, 14))} if code == "overtime" else {
                    "description": "Demo request"}
                req.summary = f"{types[code].name} (demo)"
                if code == "overtime":
                    req.amount = Decimal(req.data["hours"])
            if status == S.SUBMITTED:
                req.approval_level, req.current_approver_id = 1, emp.line_manager_id
                req.awaiting_since = submitted
            if status in (S.APPROVED, S.PROCESSED, S.REJECTED):
                req.decided_at = submitted + dt.timedelta(days=rng.randint(0, 5))
            if status == S.PROCESSED:
                req.processed_at = req.decided_at + dt.timedelta(days=1)
                req.rating = rng.choice([None, 3, 4, 4, 5, 5])
            requests.append(req)
    Request.objects.bulk_create(requests, batch_size=2000)
    _history(requests)
    _named_examples(types, today, now)
    stdout.write(f"  self-service: {len(periods)} pay periods, {len(payslips)} payslips, {len(requests)} requests\n")


def _history(requests) -> None:
    """Audit entries for the seeded requests, so timelines and "my history" are not empty."""
    from django.contrib.contenttypes.models import ContentType

    from people.audit import audit_bulk
    from people.models import AuditEntry

    ct = ContentType.objects.get_for_model(Request)
    entries = []
    for r in requests:
        if r.pk is None or r.status == S.DRAFT:
            continue
        base = {"content_type": ct, "object_id": str(r.pk), "target_repr": f"{r.type.name} #{r.pk}",
                "subject_id": r.employee_id}
        entries.append(AuditEntry(actor_id=r.submitted_by_id, action="request.submitted", channel=r.channel,
                                  changes={"status": ["draft", "submitted"]}, **base))
        if r.status in (S.APPROVED, S.PROCESSED, S.REJECTED):
            decision = S.REJECTED if r.status == S.REJECTED else S.APPROVED
            entries.append(AuditEntry(actor_id=r.employee.line_manager.user_id if r.employee.line_manager else None,
                                      action=f"request.{decision}", changes={"status": ["submitted", decision]},
                                      **base))
    audit_bulk(entries)


def _named_examples(types, today, now) -> None:
    """Something to see for each demo sign-in: the employee's own requests, a full approval queue for
    their manager, and a bank details change checked by `payroll` waiting for `payroll2` to verify."""
    employee = Employee.objects.filter(user__username="employee").select_related("line_manager", "user").first()
    payroll = Employee.objects.filter(user__username="payroll").select_related("user").first()
    if employee is None or employee.line_manager is None:
        return
    manager = employee.line_manager
    start = today + dt.timedelta(days=21)
    days = working_days_in(start, start + dt.timedelta(days=4))
    if days:
        Request.objects.create(
            type=types["annual-leave"], employee=employee, submitted_by=employee.user, status=S.SUBMITTED,
            start_date=days[0], end_date=days[-1], days=Decimal(len(days)), summary=f"{days[0]:%-d %b %Y} to {days[-1]:%-d %b %Y}",
            data={"start_date": days[0].isoformat(), "end_date": days[-1].isoformat(), "start_half_day": False,
                  "end_half_day": False, "note": "Family holiday"},
            approval_level=1, current_approver=manager, awaiting_since=now, submitted_at=now)
    Request.objects.create(
        type=types["overtime"], employee=employee, submitted_by=employee.user, status=S.APPROVED,
        data={"date": (today - dt.timedelta(days=6)).isoformat(), "hours": "3", "reason": "Covering the duty desk"},
        summary="Covering the duty desk", amount=Decimal("3"), submitted_at=now - dt.timedelta(days=5),
        decided_at=now - dt.timedelta(days=4))
    for report in Employee.objects.filter(line_manager=manager, is_active=True, user__isnull=False).exclude(
            pk=employee.pk).select_related("user")[:6]:
        Request.objects.create(
            type=types["overtime"], employee=report, submitted_by=report.user, status=S.SUBMITTED,
            data={"date": (today - dt.timedelta(days=3)).isoformat(), "hours": "2", "reason": "Winter pressures"},
            summary="Winter pressures", amount=Decimal("2"), approval_level=1, current_approver=manager,
            awaiting_since=now - dt.timedelta(days=2), submitted_at=now - dt.timedelta(days=2))
    if payroll is not None and "bank-details" in types:
        bank = Request.objects.create(
            type=types["bank-details"], employee=employee, submitted_by=employee.user, status=S.APPROVED,
            data={"account_name": employee.display_name, "sort_code": "**-**-30", "account_number": "••••3445"},
            summary="New account ••••3445", submitted_at=now - dt.timedelta(days=1), decided_at=now)
        BankDetailsChange.objects.create(request=bank, account_name=employee.display_name,
                                         sort_code_encrypted=crypto.encrypt("309430"),
                                         account_number_encrypted=crypto.encrypt("00733445"), account_last4="3445")
        Approval.objects.create(request=bank, level=1, decided_by=payroll.user, decision=Approval.Decision.APPROVED,
                                comment="Confirmed by phone with the employee.")
