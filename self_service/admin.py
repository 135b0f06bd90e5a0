from django.contrib import admin

from .models import Delegation, LeaveEntitlement, PayPeriod, RequestType


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):
    """HR configures request types here: fields, approval chain, processing team, payroll effect."""

    list_display = ["name", "code", "kind", "processing_team", "affects_payroll", "is_active", "order"]
    list_filter = ["processing_team", "affects_payroll", "is_active"]
    search_fields = ["name", "code"]


@admin.register(PayPeriod)
class PayPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "starts_on", "ends_on", "cutoff_on", "pay_date"]


@admin.register(LeaveEntitlement)
class LeaveEntitlementAdmin(admin.ModelAdmin):
    list_display = ["employee", "year", "full_time_days", "fte", "carried_over"]
    list_filter = ["year"]
    raw_id_fields = ["employee"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["manager", "delegate", "starts_on", "ends_on"]
    raw_id_fields = ["manager", "delegate"]
