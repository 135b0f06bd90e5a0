"""Mandatory training pages for HR and learning staff: the rules, and compliance per department
(page and CSV). Managers see their own people's out-of-date courses on the team page."""

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.exports import spreadsheet_safe
from people.models import Employee, OrgUnit
from skills_matrix.selectors import active_role_profiles

from . import permissions, selectors, services
from .models import Course, MandatoryCourse


class MandatoryCourseForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.filter(is_active=True).order_by("title"), label="Course",
                                    error_messages={"required": "Choose the course staff must complete."})
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.filter(is_active=True).order_by("tree_id", "lft"),
                                  required=False, label="For staff in (and beneath)",
                                  help_text="Leave empty for every unit.")
    role_profile = forms.ModelChoiceField(queryset=None, required=False, label="For the role profile")
    work_style = forms.ChoiceField(choices=[("", "Any work style"), *Employee.WorkStyle.choices], required=False,
                                   label="For the work style")
    validity_months = forms.IntegerField(
        label="Renew every (months)", required=False, min_value=1, max_value=120,
        help_text="For example 12 for data protection. Leave empty if once is enough.",
        error_messages={"min_value": "Renew every 1 month at least.", "max_value": "Renew at least every 120 months."})
    renew_days_before = forms.IntegerField(label="Assign the renewal (days before it runs out)", initial=30,
                                           min_value=1, max_value=180)
    due_in_days = forms.IntegerField(label="Days to complete it the first time", initial=30, min_value=1, max_value=365)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role_profile"].queryset = active_role_profiles()


def _learning_staff(request):
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied("Only HR and learning administrators manage mandatory training.")


@require_http_methods(["GET", "POST"])
def mandatory(request):
    _learning_staff(request)
    form = MandatoryCourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.mandatory_course_create(
                actor=request.user, course=d["course"], unit=d["unit"], role_profile=d["role_profile"],
                work_style=d["work_style"], validity_months=d["validity_months"],
                renew_days_before=d["renew_days_before"], due_in_days=d["due_in_days"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"“{d['course'].title}” is now mandatory. Tonight's run assigns it.")
            return redirect("training:mandatory")
    return render(request, "training/mandatory.html", {
        "form": form, "rules": selectors.mandatory_rules(),
        "rows": selectors.mandatory_compliance_by_department(),
    })


@require_POST
def mandatory_retire(request, pk: int):
    _learning_staff(request)
    rule = get_object_or_404(MandatoryCourse, pk=pk)
    services.mandatory_course_retire(actor=request.user, rule=rule)
    messages.success(request, f"“{rule.course.title}” is no longer mandatory under that rule.")
    return redirect("training:mandatory")


def mandatory_csv(request):
    _learning_staff(request)
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mandatory-training-compliance-{today:%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(["department", "course", "staff required", "in date", "out of date", "never done", "% in date"])
    for r in selectors.mandatory_compliance_by_department(today):
        writer.writerow([spreadsheet_safe(v) for v in (
            r["department"].name, r["course"].title, r["required"], r["in_date"], r["expired"], r["missing"],
            r["percent"])])
    return response
