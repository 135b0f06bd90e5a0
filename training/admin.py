from django.contrib import admin

from .models import (
    AutoAssignmentRule,
    Champion,
    ContentProvider,
    Course,
    CourseSkill,
    QuizQuestion,
    Session,
    XapiStatement,
)


class CourseSkillInline(admin.TabularInline):
    model = CourseSkill
    extra = 0
    autocomplete_fields = ["skill"]


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "kind", "requires_approval", "is_active"]
    list_filter = ["kind", "is_active", "requires_approval"]
    search_fields = ["title", "code"]
    inlines = [CourseSkillInline, QuizQuestionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["course", "starts_at", "capacity", "status"]
    list_filter = ["status"]
    raw_id_fields = ["host"]
    # Changing times here would not send updated invites; the session pages do (SEQUENCE + 1).
    readonly_fields = ["sequence"]


@admin.register(ContentProvider)
class ContentProviderAdmin(admin.ModelAdmin):
    """Issue keys with `manage.py training_provider_key`; the secret is shown only then."""

    list_display = ["name", "key_id", "is_active", "created_at"]
    readonly_fields = ["key_hash"]


@admin.register(XapiStatement)
class XapiStatementAdmin(admin.ModelAdmin):
    list_display = ["statement_id", "provider", "employee", "course", "verb", "received_at"]
    list_filter = ["verb", "provider"]
    raw_id_fields = ["employee", "completion"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Champion)
class ChampionAdmin(admin.ModelAdmin):
    list_display = ["employee", "unit", "is_active"]
    raw_id_fields = ["employee"]


admin.site.register(AutoAssignmentRule)
