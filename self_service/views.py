"""Pages. Views read through selectors (scoped to the user, so another person's id is a 404) and
write through services; domain errors become a clear message on the page."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.ids import parse_ids
from people.models import AuditEntry
from people.selectors import my_employee

from . import actions, payslip_pdf, permissions, selectors, services
from .forms import (
    AttachmentForm,
    AuditSearchForm,
    BankDetailsForm,
    ChooseTypeForm,
    CommentForm,
    DecisionForm,
    DelegationForm,
    OnBehalfForm,
    PayrollExportForm,
    PayrollImportForm,
    QueueFilterForm,
    RatingForm,
    RequestDataForm,
    RequestTypeForm,
    VerifyBankDetailsForm,
    WorkingPatternForm,
)
from .models import (
    Attachment,
    BankAccount,
    Channel,
    Delegation,
    PayrollExport,
    Request,
    RequestType,
    WorkingPattern,
)

PAGE_SIZE = 25
S = Request.Status


def _page(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _visible(request, pk) -> Request:
    return get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)


# --- employee pages --------------------------------------------------------------------------------

def my_requests(request):
    me = my_employee(request.user)
    page, params = _page(request, selectors.my_requests(request.user))
    year = timezone.localdate().year
    return render(request, "self_service/my_requests.html", {
        "page": page, "params": params, "balance": selectors.leave_balance(me, year),
        "can_on_behalf": permissions.can_submit_on_behalf(request.user),
        "teams": permissions.teams_of(request.user),
    })


@require_http_methods(["GET", "POST"])
def choose_type(request):
    types = list(selectors.request_types_available())
    form = ChooseTypeForm(types, request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["type"]
        if code == "bank-details":
            return redirect("self_service:bank_details_new")
        return redirect("self_service:new_request", code=code)
    return render(request, "self_service/choose_type.html", {"form": form, "types": types})


@require_http_methods(["GET", "POST"])
def new_request(request, code):
    rtype = get_object_or_404(RequestType, code=code, is_active=True)
    if rtype.kind == RequestType.Kind.BANK_DETAILS:
        return redirect("self_service:bank_details_new")
    me = my_employee(request.user)
    on_behalf = permissions.can_submit_on_behalf(request.user)
    form = RequestDataForm(rtype, request.POST or None)
    behalf_form = OnBehalfForm(request.POST or None, prefix="behalf") if on_behalf else None
    if request.method == "POST":
        valid = form.is_valid() & (behalf_form.is_valid() if behalf_form else True)
        if valid:
            employee, channel = me, Channel.ONLINE
            if behalf_form and behalf_form.cleaned_data.get("employee") and behalf_form.cleaned_data["employee"] != me:
                employee, channel = behalf_form.cleaned_data["employee"], behalf_form.cleaned_data["channel"]
            try:
                req = services.request_create(actor=request.user, request_type=rtype, employee=employee,
                                              data=form.json_data(), channel=channel,
                                              submit="submit" in request.POST and not rtype.attachment_required)
            except ValidationError as exc:
                _add_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                if req.status == S.SUBMITTED:
                    messages.success(request, f"Request {req.reference} sent. We have told whoever decides it.")
                else:
                    messages.success(request, f"Draft {req.reference} saved. Add any files, then submit it.")
                return redirect("self_service:detail", pk=req.pk)
    return render(request, "self_service/request_form.html",
                  {"form": form, "behalf_form": behalf_form, "rtype": rtype, "editing": None,
                   "balance": selectors.leave_balance(me, timezone.localdate().year)
                   if rtype.kind == RequestType.Kind.ANNUAL_LEAVE else None})


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    req = _visible(request, pk)
    refused = actions.EDIT.reason(request.user, req)
    if refused:
        raise PermissionDenied(refused)
    form = RequestDataForm(req.type, request.POST or None, initial=req.data)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(actor=request.user, request=req, data=form.json_data())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, actions.EDIT.done)
            return redirect("self_service:detail", pk=req.pk)
    return render(request, "self_service/request_form.html",
                  {"form": form, "behalf_form": None, "rtype": req.type, "editing": req, "balance": None})


@require_http_methods(["GET", "POST"])
def bank_details_new(request):
    me = my_employee(request.user)
    form = BankDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.bank_details_request_submit(actor=request.user, employee=me,
                                                       auth_backend=request.session.get(BACKEND_SESSION_KEY),
                                                       **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Request {req.reference} sent to Payroll. We have emailed {me.email or 'you'} "
                                      "to confirm a change was asked for.")
            return redirect("self_service:detail", pk=req.pk)
    if form.is_bound:
        form.data = form.data.copy()
        form.data["password"] = ""  # never echo a password back
    current = BankAccount.objects.filter(employee=me).first()
    return render(request, "self_service/bank_details_form.html", {"form": form, "current": current})


def _display(spec: dict, value):
    """A stored field value as people read it (dates in words)."""
    if spec.get("type") == "date" and value:
        try:
            return dt.date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return value
    return value


def detail(request, pk):
    req = get_object_or_404(
        selectors.requests_visible_to(request.user).select_related("submitted_by", "processed_by", "pay_period"),
        pk=pk,
    )
    timeline = AuditEntry.objects.filter(
        content_type__app_label="self_service", content_type__model="request", object_id=str(req.pk)
    ).select_related("actor").order_by("created_at", "id")
    bank = getattr(req, "bank_details", None) if req.type.kind == RequestType.Kind.BANK_DETAILS else None
    if bank is not None:
        services.bank_details_view_record(actor=request.user, request=req)
    may = actions.available(request.user, req)  # the buttons: each action's own rule, nothing restated here
    may["decide"] = may["approve"] or may["reject"] or may["return"]
    return render(request, "self_service/detail.html", {
        "req": req, "timeline": timeline, "comments": req.comments.select_related("author"),
        "attachments": req.attachments.all(), "approvals": req.approvals.select_related("decided_by", "acting_for"),
        "actions": may, "bank": bank, "decision_form": DecisionForm(), "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(), "rating_form": RatingForm(), "verify_form": VerifyBankDetailsForm(),
        "fields": [(f.get("label", f["name"]), _display(f, req.data.get(f["name"]))) for f in req.type.fields]
        if bank is None else [],
    })


@require_POST
def transition(request, pk, action):
    if action not in actions.TRANSITIONS:
        raise Http404("No such action.")
    req = _visible(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():  # an over-long comment is refused saying so, never cut short
        for msg in form.errors["comment"]:
            messages.error(request, msg)
        return redirect("self_service:detail", pk=req.pk)
    comment = form.cleaned_data["comment"]
    try:
        services.request_action_run(action=action, actor=request.user, request=req, comment=comment,
                                    rekeyed={f: request.POST.get(f, "")[:20] for f in ("sort_code", "account_number")})
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, actions.TRANSITIONS[action].done)
        # A role approver (HR deciding for someone with no manager) may no longer see the request
        # once it is decided: send them back to their queue rather than to a 404.
        if not selectors.requests_visible_to(request.user).filter(pk=req.pk).exists():
            return redirect("self_service:approvals")
    return redirect("self_service:detail", pk=req.pk)


@require_POST
def comment(request, pk):
    req = _visible(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(actor=request.user, request=req, body=form.cleaned_data["body"])
        messages.success(request, actions.COMMENT.done)
    else:
        for msg in form.errors["body"]:  # "Enter a comment." or "...at most 4000 characters..."
            messages.error(request, msg)
    return redirect("self_service:detail", pk=req.pk)


@require_POST
def attachment_upload(request, pk):
    req = _visible(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Select a file to upload.")
    else:
        try:
            services.attachment_add(actor=request.user, request=req, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, actions.ATTACH.done)
    return redirect("self_service:detail", pk=req.pk)


def attachment_download(request, pk):
    att = get_object_or_404(Attachment.objects.select_related("request__employee"), pk=pk,
                            request__in=selectors.requests_visible_to(request.user))
    # The only way to an attachment: it lives in private storage, which has no public URL.
    try:
        handle = att.file.open("rb")
    except FileNotFoundError:
        raise Http404("No such file.") from None
    services.attachment_download_record(actor=request.user, attachment=att)
    return FileResponse(handle, as_attachment=True, filename=att.original_name, content_type=att.content_type)


@require_POST
def rate(request, pk):
    req = _visible(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_record(actor=request.user, request=req, rating=form.cleaned_data["rating"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, actions.RATE.done)
    else:
        messages.error(request, "Select how satisfied you were.")
    return redirect("self_service:detail", pk=req.pk)


# --- managers, HR and payroll ---------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def approvals(request):
    if request.method == "POST":
        ids = parse_ids(request.POST.getlist("selected"))  # an id beyond 64 bits (or "²") names no request
        if not ids:
            messages.error(request, "Select the requests you want to approve.")
        else:
            done, failed = services.requests_bulk_approve(actor=request.user, request_ids=ids)
            if done:
                messages.success(request, f"{len(done)} request{'s' if len(done) != 1 else ''} approved.")
            for pk, reason in failed.items():
                messages.error(request, f"Request SS-{pk:06d} was not approved: {reason}")
        return redirect(request.get_full_path())
    form = QueueFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {"type_code": form.cleaned_data["type"], "employee_query": form.cleaned_data["q"],
                   "overdue_only": form.cleaned_data["overdue"]}
    page, params = _page(request, selectors.approval_queue(request.user, **filters))
    return render(request, "self_service/approvals.html", {"form": form, "page": page, "params": params,
                                                           "today": timezone.localdate()})


def processing(request):
    if not permissions.teams_of(request.user):
        raise PermissionDenied("The processing queue is for HR and Payroll.")
    form = QueueFilterForm(request.GET or None)
    code = form.cleaned_data["type"] if form.is_valid() else ""
    page, params = _page(request, selectors.processing_queue(request.user, type_code=code))
    return render(request, "self_service/processing.html", {"form": form, "page": page, "params": params})


@require_http_methods(["GET", "POST"])
def delegations(request):
    me = my_employee(request.user)
    form = DelegationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(actor=request.user, manager=me, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['delegate']} will act for you on those dates.")
            return redirect("self_service:delegations")
    today = timezone.localdate()
    return render(request, "self_service/delegations.html", {
        "form": form,
        "given": Delegation.objects.filter(manager=me, ends_on__gte=today).select_related("delegate"),
        "received": Delegation.objects.filter(delegate=me, ends_on__gte=today).select_related("manager"),
    })


@require_POST
def delegation_end(request, pk):
    me = my_employee(request.user)
    d = get_object_or_404(Delegation, pk=pk, manager=me)
    services.delegation_end(actor=request.user, delegation=d)
    messages.success(request, "The acting manager arrangement has ended.")
    return redirect("self_service:delegations")


def payslips(request):
    page, params = _page(request, selectors.my_payslips(request.user))
    return render(request, "self_service/payslips.html", {"page": page, "params": params})


def payslip_download(request, pk):
    slip = get_object_or_404(selectors.my_payslips(request.user).select_related("employee"), pk=pk)
    pdf = payslip_pdf.payslip_pdf(slip)
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="payslip-{slip.period.code}.pdf"'
    resp["Cache-Control"] = "private, no-store"
    return resp


def _payroll_only(request):
    if not permissions.can_use_payroll(request.user):
        raise PermissionDenied("Payroll pages are for the payroll team.")


@require_http_methods(["GET", "POST"])
def payroll_import(request):
    _payroll_only(request)
    form = PayrollImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.payroll_import(actor=request.user, period=form.cleaned_data["period"],
                                            content=upload.read(), filename=upload.name)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{batch.row_count} payslips imported for {batch.period}.")
            return redirect("self_service:payroll_import")
    return render(request, "self_service/payroll_import.html",
                  {"form": form, "columns": services.PAYSLIP_COLUMNS, "doc": services.payroll_import.__doc__})


@require_http_methods(["GET", "POST"])
def payroll_export(request):
    _payroll_only(request)
    form = PayrollExportForm(request.POST or request.GET or None)
    period = form.cleaned_data["period"] if form.is_valid() else None
    if request.method == "POST" and period is not None:
        export = services.payroll_export(actor=request.user, period=period)
        messages.success(request, f"{export.row_count} changes exported for {period}.")
        return redirect(f"{request.path}?period={period.pk}")
    candidates = list(selectors.export_candidates(period)) if period else []
    return render(request, "self_service/payroll_export.html", {
        "form": form, "period": period, "candidates": candidates,
        "held": services.export_held(period, candidates=candidates) if period else [],
        "exports": PayrollExport.objects.select_related("period", "created_by")[:12],
    })


def payroll_export_download(request, pk):
    _payroll_only(request)
    export = get_object_or_404(PayrollExport.objects.select_related("period"), pk=pk)
    resp = HttpResponse(services.payroll_export_open(actor=request.user, export=export),
                        content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="payroll-changes-{export.period.code}-{export.pk}.csv"'
    resp["Cache-Control"] = "private, no-store"
    return resp


def my_history(request):
    my_employee(request.user)
    page, params = _page(request, selectors.my_history(request.user))
    return render(request, "self_service/history.html", {"page": page, "params": params, "search": None})


def audit(request):
    if not permissions.can_search_audit(request.user):
        raise PermissionDenied("Audit search is for HR.")
    form = AuditSearchForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    filters["query"] = filters.pop("q", "")
    page, params = _page(request, selectors.audit_search(**{k: v for k, v in filters.items() if v}))
    return render(request, "self_service/history.html", {"page": page, "params": params, "search": form})


def _hr_only(request):
    if not permissions.can_search_audit(request.user):
        raise PermissionDenied("Request types are configured by HR.")


def request_types(request):
    _hr_only(request)
    return render(request, "self_service/request_types.html", {"types": RequestType.objects.all()})


@require_http_methods(["GET", "POST"])
def request_type_edit(request, code=None):
    _hr_only(request)
    rtype = get_object_or_404(RequestType, code=code) if code else RequestType()
    form = RequestTypeForm(request.POST or None, instance=rtype if code else None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in RequestTypeForm.Meta.fields}
        if not code:
            from django.utils.text import slugify

            data["code"] = slugify(form.cleaned_data["name"])[:64]
        try:
            saved = services.request_type_save(actor=request.user, request_type=RequestType.objects.get(pk=rtype.pk)
                                               if code else RequestType(), data=data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"“{saved.name}” saved.")
            return redirect("self_service:request_types")
    return render(request, "self_service/request_type_form.html", {"form": form, "rtype": rtype if code else None})


@require_http_methods(["GET", "POST"])
def working_patterns(request):
    """HR: the part-time working patterns on record, and a form to set one."""
    if not permissions.can_search_audit(request.user):
        raise PermissionDenied("Working patterns are set by HR.")
    form = WorkingPatternForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.working_pattern_set(actor=request.user, employee=form.cleaned_data["employee"],
                                                 weekdays=form.cleaned_data["weekdays"],
                                                 hours_per_day=form.cleaned_data["hours_per_day"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Working pattern saved for {saved.employee}: {saved.describe()}.")
            return redirect("self_service:working_patterns")
    patterns = WorkingPattern.objects.select_related("employee").order_by("employee__last_name", "employee__first_name")
    return render(request, "self_service/working_patterns.html", {"form": form, "patterns": patterns})
