from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from people.models import OrgUnit
from people.selectors import my_employee

from . import exports, permissions, selectors, services
from .forms import AssignProfileForm, CampaignForm, MatrixFilterForm, SkillForm
from .matrix import gap_matrix
from .models import Assessment, Campaign, EmployeeRoleProfile, Evidence, Level, Rating, RoleProfile, Skill
from .states import ASSESSMENT

MATRIX_PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------
# My skills and the self-assessment


def my_skills(request):
    me = my_employee(request.user)
    campaigns = list(selectors.open_campaigns_for(me))
    mine = {a.campaign_id: a for a in Assessment.objects.filter(employee=me, campaign__in=campaigns)}
    return render(request, "skills_matrix/my_skills.html", {
        "me": me, "rows": selectors.skill_rows_for(me), "campaigns": [(c, mine.get(c.pk)) for c in campaigns],
        "history": selectors.assessments_of(me)[:10],
        "profile": selectors.role_profile_of(me),
        "pending_evidence": Evidence.objects.filter(employee=me, status=Evidence.Status.PENDING).select_related("skill"),
        "to_validate": selectors.assessments_to_validate(request.user).count(),
        "can_see_matrix": permissions.can_see_matrix(request.user),
        "is_hr": permissions.can_manage_framework(request.user),
    })


@require_POST
def assessment_begin(request, campaign_id: int):
    me = my_employee(request.user)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    try:
        assessment = services.assessment_start(actor=request.user, employee=me, campaign=campaign)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("skills_matrix:my_skills")
    return redirect("skills_matrix:assessment_area", pk=assessment.pk, step=1)


def _own_assessment(request, pk) -> Assessment:
    """Only your own self-assessment can be filled in: anyone else's is a 404."""
    return get_object_or_404(selectors.own_assessments(request.user).select_related("campaign", "employee"), pk=pk)


def assessment_area(request, pk: int, step: int):
    """One page per skill area. Each page saves when you continue, so nothing is lost on a phone."""
    assessment = _own_assessment(request, pk)
    tree = selectors.framework_tree()
    if not 1 <= step <= len(tree):
        return redirect("skills_matrix:assessment_review", pk=pk)
    area = tree[step - 1]
    errors = {}
    if request.method == "POST":
        levels = {}
        for skill in area["skills"]:
            raw = request.POST.get(f"skill_{skill.pk}", "")
            if raw == "":
                errors[skill.pk] = f"Choose a level for {skill.name}"
            else:
                levels[skill.pk] = raw
        try:
            if levels:
                services.assessment_save_levels(actor=request.user, assessment=assessment, levels=levels)
        except DomainError as exc:
            if request.htmx:
                return HttpResponse(str(exc))
            messages.error(request, str(exc))
            return redirect("skills_matrix:my_skills")
        if request.htmx and request.POST.get("action") == "autosave":
            # Saved as you go (each answer, with JavaScript): the page stays put, the status line says so.
            return HttpResponse(f"Your answers were saved at {timezone.localtime():%H:%M}.")
        if not errors or request.POST.get("action") == "save":
            if request.POST.get("action") == "save":
                messages.success(request, "Your answers are saved. You can come back to finish later.")
                return redirect("skills_matrix:my_skills")
            if step < len(tree):
                return redirect("skills_matrix:assessment_area", pk=pk, step=step + 1)
            return redirect("skills_matrix:assessment_review", pk=pk)
    saved = dict(Rating.objects.filter(assessment=assessment).values_list("skill_id", "self_level"))
    items = []
    for skill in area["skills"]:
        posted = request.POST.get(f"skill_{skill.pk}") if request.method == "POST" else None
        chosen = int(posted) if posted and posted.isascii() and posted.isdigit() else saved.get(skill.pk)
        descriptors = {d.level: d.text for d in skill.descriptors.all()}
        options = [{"value": v, "label": label, "hint": descriptors.get(v, ""), "checked": chosen == v} for v, label in Level.choices]
        items.append({"skill": skill, "options": options, "error": errors.get(skill.pk)})
    return render(request, "skills_matrix/assessment_area.html", {
        "assessment": assessment, "area": area["area"], "items": items, "step": step, "steps": len(tree),
        "errors": errors, "closed": assessment.campaign.closes_on < timezone.localdate(),
        "editable": ASSESSMENT.can(assessment.status, "save"),
    })


def assessment_review(request, pk: int):
    assessment = _own_assessment(request, pk)
    if request.method == "POST":
        try:
            services.assessment_submit(actor=request.user, assessment=assessment)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("skills_matrix:assessment_review", pk=pk)
        messages.success(request, "Self-assessment sent to your manager to validate.")
        return redirect("skills_matrix:my_skills")
    return render(request, "skills_matrix/assessment_review.html", _assessment_context(assessment))


def _assessment_context(assessment: Assessment) -> dict:
    ratings = {r.skill_id: r for r in assessment.ratings.all()}
    sections = []
    for step, entry in enumerate(selectors.framework_tree(), start=1):
        sections.append({"area": entry["area"], "step": step,
                         "items": [(s, ratings.get(s.pk)) for s in entry["skills"]]})
    shown = {s.pk for e in sections for s, _ in e["items"]}
    retired = [r for sid, r in ratings.items() if sid not in shown]
    return {"assessment": assessment, "sections": sections, "retired": retired,
            "missing": sum(1 for e in sections for _, r in e["items"] if r is None or r.self_level is None)}


def assessment_detail(request, pk: int):
    """A past or current assessment, read only: the employee, their managers and HR."""
    assessment = get_object_or_404(
        selectors.assessments_visible_to(request.user).select_related("campaign", "employee", "validated_by"), pk=pk
    )
    ratings = assessment.ratings.select_related("skill").order_by("skill__tree_id", "skill__lft")
    return render(request, "skills_matrix/assessment_detail.html", {"assessment": assessment, "ratings": ratings})


# ---------------------------------------------------------------------------------------------
# Manager validation


def validation_queue(request):
    assessments = selectors.assessments_to_validate(request.user)
    evidence = selectors.evidence_to_validate(request.user)
    return render(request, "skills_matrix/validation_queue.html", {"assessments": assessments, "evidence": evidence})


def assessment_validate(request, pk: int):
    assessment = get_object_or_404(selectors.assessments_visible_to(request.user).select_related("campaign", "employee"),
                                   pk=pk)
    if not permissions.can_validate(request.user, assessment.employee):
        raise PermissionDenied("Only the employee's manager can validate this self-assessment.")
    ratings = list(assessment.ratings.select_related("skill", "skill__parent").order_by("skill__tree_id", "skill__lft"))
    errors = {}
    if request.method == "POST":
        adjustments = {}
        for r in ratings:
            raw = request.POST.get(f"level_{r.skill_id}", "")
            if raw != "" and raw != str(r.self_level):
                adjustments[r.skill_id] = (raw, request.POST.get(f"reason_{r.skill_id}", ""))
        try:
            services.assessment_validate(actor=request.user, assessment=assessment, adjustments=adjustments)
        except DomainError as exc:
            errors[exc.field or "__all__"] = str(exc)
        else:
            messages.success(request, f"{assessment.employee.display_name}'s self-assessment is validated.")
            return redirect("skills_matrix:validation_queue")
    rows = []
    for r in ratings:
        posted = request.POST.get(f"level_{r.skill_id}") if request.method == "POST" else None
        rows.append({
            # A tampered, non-numeric level was refused by the service; show the saved one again.
            "rating": r, "chosen": int(posted) if posted and posted.isascii() and posted.isdigit() else r.self_level,
            "reason": request.POST.get(f"reason_{r.skill_id}", "") if request.method == "POST" else "",
            "error": errors.get(f"reason_{r.skill_id}") or errors.get(f"skill_{r.skill_id}"),
        })
    return render(request, "skills_matrix/assessment_validate.html", {
        "assessment": assessment, "rows": rows, "levels": Level.choices, "errors": errors,
    })


@require_POST
def evidence_decide(request, pk: int):
    evidence = get_object_or_404(selectors.evidence_visible_to(request.user).select_related("employee"), pk=pk)
    try:
        services.evidence_decide(actor=request.user, evidence=evidence, accept=request.POST.get("decision") == "accept",
                                 reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Evidence decision saved.")
    return redirect("skills_matrix:validation_queue")


# ---------------------------------------------------------------------------------------------
# The gap matrix


def _matrix_scope(request):
    """The people the user may see, narrowed by the filters; 403 for people with nobody to see."""
    people = permissions.matrix_people_listed(request.user)
    if not people.exists():
        raise PermissionDenied("The gap matrix is for line managers, portfolio leads and HR.")
    units = permissions.matrix_units(request.user, people=people)
    form = MatrixFilterForm(request.GET or None, units=units.order_by("tree_id", "lft"))
    filters = {}
    if form.is_valid():
        filters = form.cleaned_data
        if filters.get("unit"):
            from people.selectors import units_within

            people = people.filter(org_unit__in=units_within([filters["unit"]]))
        if filters.get("work_style"):
            people = people.filter(work_style=filters["work_style"])
    return people, form, filters


def matrix(request):
    people, form, filters = _matrix_scope(request)
    m = gap_matrix(people, profile=filters.get("profile"), area=filters.get("area"), with_pending=False)
    rows = sorted(m.rows, key=lambda r: (-r.total_shortfall, r.name)) if request.GET.get("sort") == "gaps" else m.rows
    page = Paginator(rows, MATRIX_PAGE_SIZE).get_page(request.GET.get("page"))
    m.fill(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    filters_only = params.copy()
    filters_only.pop("sort", None)
    return render(request, "skills_matrix/matrix.html", {
        "form": form, "matrix": m, "page": page, "params": params.urlencode(), "filter_params": filters_only.urlencode(),
        "sorted_by_gaps": request.GET.get("sort") == "gaps",
        "view": filters.get("view") or "heat", "unit": filters.get("unit"),
        "ranked": m.ranked_skills[:15],
        "can_compare_departments": permissions.can_compare_departments(request.user),
    })


def matrix_departments(request):
    """Directors and HR: department x skill, the share of each department's people below the
    required level, departments ranked worst first. Departments are those the viewer may see."""
    if not permissions.can_compare_departments(request.user):
        raise PermissionDenied("The department comparison is for portfolio leads and HR.")
    departments = permissions.matrix_units(request.user).filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("name")
    skills, rows = selectors.department_gaps(permissions.matrix_people(request.user), departments)
    for r in rows:
        r.cells = [r.below.get(s.pk) for s in skills]
    return render(request, "skills_matrix/matrix_departments.html", {"skills": skills, "rows": rows})


def _export_matrix(request):
    people, _form, filters = _matrix_scope(request)
    return gap_matrix(people, profile=filters.get("profile"), area=filters.get("area"), with_pending=False), filters


def _filename(filters, ext):
    unit = filters.get("unit")
    stem = f"skills-gaps-{unit.code if unit else 'all'}-{timezone.localdate():%Y-%m-%d}"
    return f'attachment; filename="{stem}.{ext}"'


def matrix_csv(request):
    m, filters = _export_matrix(request)
    response = HttpResponse(exports.matrix_csv(m), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(filters, "csv")
    return response


def matrix_xlsx(request):
    m, filters = _export_matrix(request)
    response = HttpResponse(exports.matrix_xlsx(m),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = _filename(filters, "xlsx")
    return response


def matrix_pdf(request):
    m, filters = _export_matrix(request)
    unit = filters.get("unit")
    if unit is None:
        messages.error(request, "Choose a department, team or portfolio first: the PDF is a summary for one part of the council.")
        return redirect(f"{reverse('skills_matrix:matrix')}?{request.GET.urlencode()}")
    from django.conf import settings

    pdf = exports.matrix_pdf(m, title=f"Skills gaps: {unit.name} ({timezone.localdate():%-d %B %Y})", council=settings.COUNCIL_NAME)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = _filename(filters, "pdf")
    return response


def person(request, pk: int):
    """Drill down: one person's levels against their profile, pending self-assessment and history."""
    employee = get_object_or_404(permissions.skills_people_visible_to(request.user).select_related("org_unit"), pk=pk)
    history = selectors.skill_history(employee)
    form = None
    if permissions.can_manage_framework(request.user):
        assigned = EmployeeRoleProfile.objects.filter(employee=employee).values_list("profile_id", flat=True).first()
        form = AssignProfileForm(request.POST or None, initial={"profile": assigned})
        if request.method == "POST" and form.is_valid():
            try:
                services.role_profile_assign(actor=request.user, employee=employee, profile=form.cleaned_data["profile"])
            except DomainError as exc:
                form.add_error("profile", str(exc))
            else:
                messages.success(request, "Role profile saved.")
                return redirect("skills_matrix:person", pk=pk)
    return render(request, "skills_matrix/person.html", {
        "employee": employee, "rows": [(s, g, history.get(s.pk, [])) for s, g in selectors.skill_rows_for(employee)],
        "profile": selectors.role_profile_of(employee),
        "assessments": selectors.assessments_of(employee), "form": form,
        "is_self": employee.user_id == request.user.pk,
        "can_validate": permissions.can_validate(request.user, employee),
    })


# ---------------------------------------------------------------------------------------------
# Framework, role profiles and campaigns (HR; everyone may read the framework)


def framework(request):
    return render(request, "skills_matrix/framework.html", {
        "tree": selectors.framework_tree(include_retired=permissions.can_manage_framework(request.user)),
        "is_hr": permissions.can_manage_framework(request.user),
        "version": services.current_version(),
    })


def skill_edit(request, pk: int | None = None):
    if not permissions.can_manage_framework(request.user):
        raise PermissionDenied("Only HR can change the skills framework.")
    skill = get_object_or_404(Skill, pk=pk) if pk else None
    initial = {}
    if skill:
        initial = {"name": skill.name, "code": skill.code, "parent": skill.parent_id, "description": skill.description,
                   "is_active": skill.is_active}
        initial.update({f"descriptor_{d.level}": d.text for d in skill.descriptors.all()})
    form = SkillForm(request.POST or None, initial=initial or {"is_active": True})
    if skill:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = services.skill_save(
                actor=request.user, skill=skill, parent=d["parent"], code=d["code"], name=d["name"],
                description=d["description"], is_active=d["is_active"],
                descriptors={lv: d[f"descriptor_{lv}"] for lv in range(5)},
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"“{saved.name}” saved. Past assessments keep the wording they were made against.")
            return redirect("skills_matrix:framework")
    return render(request, "skills_matrix/skill_edit.html", {"form": form, "skill": skill})


def profiles(request):
    if not permissions.can_manage_framework(request.user):
        raise PermissionDenied("Only HR can manage role profiles.")
    return render(request, "skills_matrix/profiles.html", {
        "profiles": RoleProfile.objects.order_by("-is_default", "name").prefetch_related("requirements"),
    })


def profile_edit(request, pk: int):
    if not permissions.can_manage_framework(request.user):
        raise PermissionDenied("Only HR can manage role profiles.")
    profile = get_object_or_404(RoleProfile, pk=pk)
    tree = selectors.framework_tree()
    current = dict(profile.requirements.values_list("skill_id", "level"))
    if request.method == "POST":
        levels = {skill: request.POST.get(f"skill_{skill.pk}", "") for entry in tree for skill in entry["skills"]}
        try:
            changed = services.requirements_save(actor=request.user, profile=profile, levels=levels)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Requirements saved ({changed} changed). Gaps are updated straight away.")
            return redirect("skills_matrix:profiles")
    return render(request, "skills_matrix/profile_edit.html", {
        "profile": profile, "tree": tree, "current": current, "levels": Level.choices,
    })


def campaigns(request):
    if not permissions.can_manage_framework(request.user):
        raise PermissionDenied("Only HR can manage skills campaigns.")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Campaign created. People it covers will see it on their Skills page.")
            return redirect("skills_matrix:campaigns")
    return render(request, "skills_matrix/campaigns.html", {
        "form": form, "rows": selectors.campaigns_with_progress(), "today": timezone.localdate(),
    })
