"""HR pages for role profile rules: the rules, a preview of what applying them changes, and the
apply button (refused if the changes moved on since the preview)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from people.models import Employee, OrgUnit

from . import permissions, profile_rules
from .models import RoleProfile, RoleProfileRule

PREVIEW_LIMIT = 200


class ProfileRuleForm(forms.Form):
    profile = forms.ModelChoiceField(queryset=RoleProfile.objects.filter(is_active=True).order_by("name"),
                                     label="Role profile", error_messages={"required": "Choose the role profile to give."})
    job_title_contains = forms.CharField(label="Job title contains", max_length=100, required=False,
                                         help_text="For example “social worker”. Not case-sensitive.")
    grade = forms.CharField(label="Grade", max_length=32, required=False, help_text="As the directory has it, e.g. SO1.")
    work_style = forms.ChoiceField(choices=[("", "Any work style"), *Employee.WorkStyle.choices], required=False,
                                   label="Work style")
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.filter(is_active=True).order_by("tree_id", "lft"),
                                  required=False, label="In the unit (and beneath)")
    priority = forms.IntegerField(label="Priority", min_value=0, max_value=1000, initial=100,
                                  help_text="Where several rules match someone, the lowest number wins.")


def _hr(request):
    if not permissions.can_manage_framework(request.user):
        raise PermissionDenied("Only HR can manage role profile rules.")


@require_http_methods(["GET", "POST"])
def rules(request):
    _hr(request)
    form = ProfileRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile_rules.profile_rule_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "The rule has been added. Check the preview below, then apply it.")
            return redirect("skills_matrix:profile_rules")
    changes = profile_rules.profile_changes()
    return render(request, "skills_matrix/profile_rules.html", {
        "form": form, "rules": profile_rules.rules_list(), "changes": changes[:PREVIEW_LIMIT],
        "change_count": len(changes), "fingerprint": profile_rules.changes_fingerprint(changes),
    })


@require_POST
def rules_apply(request):
    _hr(request)
    try:
        n = profile_rules.profile_rules_apply(actor=request.user, fingerprint=request.POST.get("fingerprint", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{n} role profile{'s' if n != 1 else ''} changed.")
    return redirect("skills_matrix:profile_rules")


@require_POST
def rule_retire(request, pk: int):
    _hr(request)
    rule = get_object_or_404(RoleProfileRule, pk=pk)
    profile_rules.profile_rule_retire(actor=request.user, rule=rule)
    messages.success(request, "The rule has been retired. The preview shows what applying the rules now changes.")
    return redirect("skills_matrix:profile_rules")
