"""Admin views for intranet admins. Day-to-day changes go through the Skills pages (which version the
framework and write audit entries); the admin is read-mostly for support."""

from django.contrib import admin
from mptt.admin import MPTTModelAdmin

from .models import (
    Assessment,
    Campaign,
    EmployeeRoleProfile,
    Evidence,
    FrameworkVersion,
    Rating,
    RoleProfile,
    RoleRequirement,
    Skill,
    SkillDescriptor,
)


class DescriptorInline(admin.TabularInline):
    model = SkillDescriptor
    extra = 0


@admin.register(Skill)
class SkillAdmin(MPTTModelAdmin):
    list_display = ["name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    inlines = [DescriptorInline]


class RequirementInline(admin.TabularInline):
    model = RoleRequirement
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(RoleProfile)
class RoleProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "job_family", "grade", "work_style", "is_default", "is_active"]
    inlines = [RequirementInline]


@admin.register(EmployeeRoleProfile)
class EmployeeRoleProfileAdmin(admin.ModelAdmin):
    list_display = ["employee", "profile", "assigned_at"]
    raw_id_fields = ["employee"]
    list_select_related = ["employee", "profile"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "org_unit", "opens_on", "closes_on", "last_reminded_on"]


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    can_delete = False
    readonly_fields = ["skill", "self_level", "validated_level", "adjust_reason", "skill_name", "descriptor"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["employee", "campaign", "status", "submitted_at", "validated_at"]
    list_filter = ["status", "campaign"]
    raw_id_fields = ["employee", "validated_by"]
    list_select_related = ["employee", "campaign"]
    inlines = [RatingInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["employee", "skill", "level", "source", "status", "recorded_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["employee", "decided_by"]
    list_select_related = ["employee", "skill"]


admin.site.register(FrameworkVersion)
