from django.contrib import admin
from mptt.admin import DraggableMPTTAdmin

from .models import AuditEntry, Employee, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(DraggableMPTTAdmin):
    list_display = ["tree_actions", "indented_title", "code", "kind", "is_active"]
    list_display_links = ["indented_title"]
    search_fields = ["name", "code"]
    raw_id_fields = ["head"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["display_name", "employee_number", "job_title", "org_unit", "is_active", "is_digital_champion"]
    list_filter = ["is_active", "is_digital_champion", "work_style"]
    search_fields = ["first_name", "last_name", "preferred_name", "employee_number", "email"]
    raw_id_fields = ["user", "line_manager", "org_unit"]
    list_select_related = ["org_unit"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "target_repr", "actor", "channel"]
    list_filter = ["action", "channel"]
    search_fields = ["target_repr", "action", "object_id"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
