from django.contrib import admin, messages

from core.errors import DomainError

from .models import RoleGrant, SourceState, SyncRun
from .services import held_run_confirm


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "kind", "status", "dry_run", "started_at", "finished_at"]
    list_filter = ["status", "kind", "source", "dry_run"]
    date_hierarchy = "started_at"
    actions = ["confirm_held"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["counts", "errors", "changes", "held_deactivations"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # runs are the audit trail of the sync

    @admin.action(description="Confirm the held leavers of the selected runs")
    def confirm_held(self, request, queryset):
        for run in queryset:
            try:
                held_run_confirm(run_id=run.pk, actor=request.user)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"Run {run.pk}: held leavers deactivated.")


@admin.register(SourceState)
class SourceStateAdmin(admin.ModelAdmin):
    list_display = ["name", "high_water", "high_water_dc", "last_full_at", "locked_by", "lock_expires_at"]
    readonly_fields = ["name", "last_full_at", "locked_by"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["directory_id", "role", "source"]
    list_filter = ["role", "source"]
    search_fields = ["directory_id"]

    def has_add_permission(self, request):
        return False  # grants come from directory groups
