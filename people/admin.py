from django.contrib import admin
from django.db import transaction
from mptt.admin import DraggableMPTTAdmin

from .admin_audit import AuditedAdmin
from .audit import audit_record
from .models import AuditEntry, Employee, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin, DraggableMPTTAdmin):
    list_display = ["tree_actions", "indented_title", "code", "kind", "is_active"]
    list_display_links = ["indented_title"]
    search_fields = ["name", "code"]
    raw_id_fields = ["head"]

    def _move_node(self, request):
        """A drag in the tree moves the unit without save_model: audited here."""
        unit = OrgUnit.objects.filter(pk=request.POST.get("cut_item")).select_related("parent").first()
        with transaction.atomic():
            response = super()._move_node(request)
            if unit is not None:
                moved = OrgUnit.objects.select_related("parent").get(pk=unit.pk)
                if moved.parent_id != unit.parent_id:
                    audit_record(actor=request.user, action="orgunit.admin_moved", target=moved,
                                 changes={"parent": [str(unit.parent) if unit.parent else None,
                                                     str(moved.parent) if moved.parent else None]},
                                 note="In the Django admin.")
        return response


@admin.register(Employee)
class EmployeeAdmin(AuditedAdmin, admin.ModelAdmin):
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
