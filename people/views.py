from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import permissions, selectors, services
from .forms import DirectorySearchForm, MyDetailsForm, OrgUnitForm, OrgUnitSearchForm
from .models import AuditEntry, Employee, OrgUnit, PersonalDetails
from .paging import DirectoryPaginator

DIRECTORY_PAGE_SIZE = 25


def directory(request):
    form = DirectorySearchForm(request.GET or None)
    query, unit = "", None
    if form.is_valid():
        query = form.cleaned_data["q"] or ""
        unit = form.cleaned_data["unit"]
    qs = selectors.directory_search(query=query, unit=unit)
    page = DirectoryPaginator(qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "people/directory.html",
        {"form": form, "page": page, "query": query, "unit": unit, "params": params.urlencode()},
    )


HISTORY_ROWS = 20

# What an audit action means to the person reading their record. Actions from other apps fall back to
# their code ("self_service.request_approved" → "Self service request approved").
ACTION_LABELS = {
    "employee.details_updated": "Details updated",
    "employee.photo_updated": "Photo changed",
    "employee.deactivated": "Marked as a leaver",
}


FIELD_LABELS = {
    "preferred_name": "Preferred first name",
    "work_phone": "Work phone",
    "mobile_phone": "Work mobile",
    "location": "Location",
    "work_style": "How they work",
    "photo": "Photo",
    "is_active": "Works here",
    "org_unit": "Team",
    "line_manager": "Line manager",
}


def _readable(field: str, value):
    if field == "work_style" and value in Employee.WorkStyle.values:
        return Employee.WorkStyle(value).label.split(" (")[0]
    if field == "photo":
        return "a photo" if value else ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _history_row(entry: AuditEntry) -> dict:
    changes = [
        {
            "field": FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            "before": _readable(name, pair[0]),
            "after": _readable(name, pair[1]),
        }
        for name, pair in (entry.changes or {}).items()
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]
    action = ACTION_LABELS.get(entry.action) or entry.action.replace(".", " ").replace("_", " ").capitalize()
    by = (entry.actor.get_full_name() or entry.actor.get_username()) if entry.actor else entry.get_channel_display()
    return {"when": entry.created_at, "action": action, "changes": changes, "by": by}


def profile(request, pk: int):
    employee = get_object_or_404(
        Employee.objects.select_related("org_unit", "line_manager", "user"), pk=pk
    )
    can_see_record = selectors.can_view_record(request.user, employee)
    if not employee.is_active and not can_see_record:
        # Leavers drop out of the directory; only those with a right to the record still see it.
        raise PermissionDenied("This person no longer works here.")
    reports = selectors.reports_of(employee, indirect=False).select_related("org_unit")
    history = []
    if can_see_record:
        history = [
            _history_row(entry)
            for entry in AuditEntry.objects.filter(subject=employee).select_related("actor")[:HISTORY_ROWS]
        ]
    return render(
        request,
        "people/profile.html",
        {
            "employee": employee,
            "can_see_record": can_see_record,
            "is_me": employee.user_id == request.user.pk,
            "reports": reports,
            "history": history,
            "breadcrumbs": employee.org_unit.get_ancestors(include_self=True) if employee.org_unit else [],
        },
    )


@require_http_methods(["GET", "POST"])
def my_details(request):
    me = selectors.employee_for(request.user)
    if me is None:
        raise PermissionDenied("Your account is not linked to an employee record. Contact HR.")
    if request.method == "POST":
        form = MyDetailsForm(request.POST, request.FILES, instance=Employee.objects.get(pk=me.pk))
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in services.SELF_EDITABLE_FIELDS if f in form.fields}
            try:
                # One transaction for the details and the photo: a rejected photo must not leave the
                # phone number changed behind the error message.
                with transaction.atomic():
                    services.employee_update_own_details(user=request.user, employee=me, data=data)
                    if form.cleaned_data.get("photo"):
                        services.employee_set_photo(
                            user=request.user, employee=me, upload=form.cleaned_data["photo"]
                        )
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, "Your details have been updated.")
                return redirect("people:profile", pk=me.pk)
    else:
        form = MyDetailsForm(instance=me)
    personal = PersonalDetails.objects.filter(employee=me).first()
    return render(request, "people/my_details.html", {"form": form, "me": me, "personal": personal})


def org_tree(request):
    return render(request, "people/org_tree.html", {"nodes": selectors.org_tree_for_browsing()})


def org_unit(request, code: str):
    unit = get_object_or_404(OrgUnit.objects.select_related("head", "parent"), code=code)
    children = unit.get_children().filter(is_active=True)
    members = unit.members.filter(is_active=True).select_related("org_unit")
    page = Paginator(members, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/org_unit.html",
        {
            "unit": unit, "children": children, "page": page, "breadcrumbs": unit.get_ancestors(),
            "can_manage": permissions.can_manage_org_units(request.user),
        },
    )


MANAGE_PAGE_SIZE = 50


def _require_org_manager(request):
    if not permissions.can_manage_org_units(request.user):
        raise PermissionDenied("Only HR can change how the council is organised.")


def _with_staff_counts(qs):
    return qs.select_related("parent").annotate(staff_count=Count("members", filter=Q(members__is_active=True)))


def org_unit_manage(request):
    """HR's list of units: first those directory sync left in a holding unit, then every unit."""
    _require_org_manager(request)
    waiting = list(
        _with_staff_counts(selectors.units_waiting_to_be_placed())
        .order_by("name", "pk")
    )
    form = OrgUnitSearchForm(request.GET or None)
    units = _with_staff_counts(OrgUnit.objects.all()).order_by("tree_id", "lft")
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"] or ""
        for word in query.split()[:6]:
            units = units.filter(Q(name__icontains=word) | Q(code__icontains=word))
    page = Paginator(units, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "people/org_unit_manage.html",
        {"waiting": waiting, "form": form, "page": page, "query": query, "params": params.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def org_unit_edit(request, code: str):
    _require_org_manager(request)
    unit = get_object_or_404(OrgUnit.objects.select_related("head", "parent"), code=code)
    if request.method == "POST":
        form = OrgUnitForm(request.POST, unit=unit)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.org_unit_update(
                    actor=request.user, unit=unit, name=data["name"], kind=data.get("kind"),
                    parent=data.get("parent"), head=data["head"], clear_head=data["head"] is None,
                )
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, f"{data['name'].strip()} has been updated.")
                return redirect("people:org_unit", code=unit.code)
    else:
        form = OrgUnitForm(unit=unit)
    return render(
        request, "people/org_unit_edit.html",
        {"unit": unit, "form": form, "breadcrumbs": unit.get_ancestors(include_self=True)},
    )
