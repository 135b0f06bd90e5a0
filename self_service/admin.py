from django.contrib import admin
from django.db import transaction

from people.admin_audit import AuditedAdmin
from people.audit import audit_record

from . import services
from .models import WEEKDAY_FIELDS, Delegation, LeaveEntitlement, PayPeriod, RequestType, WorkingPattern


@admin.register(RequestType)
class RequestTypeAdmin(AuditedAdmin, admin.ModelAdmin):
    """HR configures request types here: fields, approval chain, processing team, payroll effect."""

    list_display = ["name", "code", "kind", "processing_team", "affects_payroll", "is_active", "order"]
    list_filter = ["processing_team", "affects_payroll", "is_active"]
    search_fields = ["name", "code"]


@admin.register(PayPeriod)
class PayPeriodAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "starts_on", "ends_on", "cutoff_on", "pay_date"]


@admin.register(LeaveEntitlement)
class LeaveEntitlementAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["employee", "year", "full_time_days", "fte", "carried_over"]
    list_filter = ["year"]
    raw_id_fields = ["employee"]


@admin.register(Delegation)
class DelegationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["manager", "delegate", "starts_on", "ends_on"]
    raw_id_fields = ["manager", "delegate"]


@admin.register(WorkingPattern)
class WorkingPatternAdmin(AuditedAdmin, admin.ModelAdmin):
    """HR sets the days a part-time employee works; saves go through the service so they are audited
    and the entitlement FTE follows the pattern."""

    list_display = ["employee", *WEEKDAY_FIELDS, "hours_per_day", "updated_at"]
    raw_id_fields = ["employee"]
    search_fields = ["employee__first_name", "employee__last_name", "employee__employee_number"]

    def get_actions(self, request):
        # Bulk delete would skip the audit entry each deletion needs.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        saved = services.working_pattern_set(
            actor=request.user, employee=obj.employee, hours_per_day=obj.hours_per_day,
            weekdays=[i for i, f in enumerate(WEEKDAY_FIELDS) if getattr(obj, f)],
        )
        obj.pk = saved.pk

    @transaction.atomic
    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="working_pattern.deleted", target=obj, subject=obj.employee,
                     note="Back to Monday to Friday.")
        obj.delete()
