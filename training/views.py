from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from people.models import Employee, OrgUnit
from people.selectors import employee_for, my_employee, reports_of

from . import certificates, lrs_link, permissions, selectors, services, tasks
from .calendar import CANCEL, REQUEST, session_ics
from .elearning.selectors import course_context as elearning_context
from .forms import (
    AssignForm,
    AutoAssignmentRuleForm,
    CatalogueSearchForm,
    ChampionAppointForm,
    ChampionProfileForm,
    CourseForm,
    HelpLogForm,
    HelpRequestForm,
    SessionForm,
)
from .models import Assignment, Booking, Completion, Course, HelpRequest, Session

PAGE_SIZE = 25


def _form_domain_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


def _act(request, action, success) -> None:
    """Run one service call behind a POST button: a refusal (DomainError) becomes an error message,
    success a success message. `success` is text, or a function of what the service returned."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)


# --- catalogue -------------------------------------------------------------------------------


def catalogue(request):
    form = CatalogueSearchForm(request.GET or None)
    query, kind, skill = "", "", None
    if form.is_valid():
        query, kind, skill = form.cleaned_data["q"], form.cleaned_data["kind"], form.cleaned_data["skill"]
    qs = selectors.catalogue(query=query, kind=kind, skill=skill)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "training/catalogue.html", {
        "form": form, "page": page, "params": params.urlencode(),
        "can_manage": permissions.can_manage_catalogue(request.user),
    })


def course_detail(request, code: str):
    try:
        course = selectors.course_detail(code)
    except Course.DoesNotExist:
        raise Http404("No such course.") from None
    if not course.is_active and not permissions.can_manage_catalogue(request.user):
        raise Http404("This course is no longer offered.")
    me = employee_for(request.user)
    sessions = list(selectors.upcoming_sessions(course=course))
    my_bookings = selectors.live_bookings_by_session(me, sessions)
    for s in sessions:
        s.my_booking = my_bookings.get(s.pk)
    completed = selectors.has_completed(me, course)
    return render(request, "training/course_detail.html", {
        "course": course, "sessions": sessions, "completed": completed,
        "has_quiz": course.quiz_questions.exists(),
        "can_manage": permissions.can_manage_catalogue(request.user), **elearning_context(request.user, course, me),
    })


@require_http_methods(["GET", "POST"])
def course_edit(request, code: str | None = None):
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied("Only HR and learning administrators manage the catalogue.")
    course = get_object_or_404(Course, code=code) if code else Course()
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(actor=request.user, course=form.save(commit=False),
                                          skill_levels=form.cleaned_data["skill_levels"])
            course.prerequisites.set(form.cleaned_data["prerequisites"])
        except DomainError as exc:
            _form_domain_error(form, exc)
        else:
            messages.success(request, f"“{course.title}” is saved.")
            return redirect("training:course", code=course.code)
    return render(request, "training/course_form.html", {"form": form, "course": course})


@require_http_methods(["GET", "POST"])
def session_new(request, code: str):
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied("Only HR and learning administrators schedule sessions.")
    course = get_object_or_404(Course, code=code)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, course=course, **form.cleaned_data)
        except DomainError as exc:
            _form_domain_error(form, exc)
        else:
            messages.success(request, "The session is scheduled.")
            return redirect("training:session", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form, "course": course})


# --- sessions and bookings -------------------------------------------------------------------


def session_list(request):
    qs = selectors.upcoming_sessions()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/session_list.html", {"page": page, "params": ""})


def session_detail(request, pk: int):
    try:
        session = selectors.session_with_counts(pk)
    except Session.DoesNotExist:
        raise Http404("No such session.") from None
    me = employee_for(request.user)
    can_register = permissions.can_take_register(request.user, session)
    return render(request, "training/session_detail.html", {
        "session": session,
        "my_booking": selectors.live_booking_for(me, session),
        "register": list(selectors.session_register(session)) if can_register else None,
        "can_register": can_register,
        "can_manage": permissions.can_manage_catalogue(request.user),
        "places_left": max(session.capacity - session.places_taken, 0),
    })


def session_invite(request, pk: int):
    """The session's calendar file: for someone who may see it, and a cancellation (METHOD:CANCEL)
    once the session is cancelled, so importing it takes the event away."""
    try:
        session = selectors.session_visible_to(request.user, pk)
    except Session.DoesNotExist:
        raise Http404("No such session.") from None
    method = CANCEL if session.status == Session.Status.CANCELLED else REQUEST
    response = HttpResponse(session_ics(session, method=method), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-{session.pk}.ics"'
    return response


@require_POST
def session_book(request, pk: int):
    me = my_employee(request.user)
    session = get_object_or_404(Session, pk=pk)
    _act(request, lambda: services.booking_create(actor=request.user, session=session, employee=me),
         lambda booking: {
             Booking.Status.CONFIRMED: "Your place is booked. We have emailed you a calendar invite.",
             Booking.Status.WAITLISTED: "The session is full. You are on the waiting list and we will email you "
                                        "if a place becomes free.",
             Booking.Status.PENDING: "Your request has gone to your line manager for approval.",
         }[booking.status])
    return redirect("training:session", pk=pk)


@require_POST
def booking_cancel(request, pk: int):
    booking = get_object_or_404(Booking, pk=pk)
    _act(request, lambda: services.booking_cancel(actor=request.user, booking=booking), "The booking is cancelled.")
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("training:my_learning")


@require_POST
def booking_attendance(request, pk: int):
    booking = get_object_or_404(Booking, pk=pk)
    _act(request, lambda: services.booking_mark_attendance(actor=request.user, booking=booking,
                                                           attended=request.POST.get("attended") == "yes"),
         f"Register updated for {booking.employee.display_name}.")
    return redirect("training:session", pk=booking.session_id)


def approvals(request):
    rows = selectors.bookings_awaiting_approval(request.user)
    return render(request, "training/approvals.html", {"bookings": rows})


@require_POST
def booking_decide(request, pk: int):
    booking = get_object_or_404(Booking, pk=pk)
    approve = request.POST.get("decision") == "approve"
    _act(request, lambda: services.booking_decide(actor=request.user, booking=booking, approve=approve),
         f"{'Approved' if approve else 'Declined'}: {booking.employee.display_name}.")
    return redirect("training:approvals")


# --- my learning, team, assignments ----------------------------------------------------------


def my_learning(request):
    me = my_employee(request.user)
    data = selectors.my_learning(me)
    return render(request, "training/my_learning.html", {**data, "me": me})


def learning_records(request, pk: int | None = None):
    """What the LRS holds about me (or, for managers and learning staff, about a learner)."""
    learner = my_employee(request.user) if pk is None else get_object_or_404(Employee, pk=pk)
    if pk is not None and not permissions.can_view_learning(request.user, learner):
        raise Http404  # someone else's record: not found, rather than found and refused
    return render(request, "training/learning_records.html", {
        "learner": learner, "rows": lrs_link.learning_records(learner), "mine": pk is None})


def team(request):
    me = my_employee(request.user)
    rows = selectors.team_learning(me)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = selectors.team_overdue_assignments(me)[:50] if page.paginator.count else []
    mandatory = selectors.team_mandatory_out_of_date(me) if page.paginator.count else []
    return render(request, "training/team.html", {"page": page, "params": "", "overdue": overdue,
                                                  "mandatory": mandatory})


@require_http_methods(["GET", "POST"])
def assign(request):
    if permissions.is_learning_staff(request.user):
        people_qs = Employee.objects.none()
        teams_qs = OrgUnit.objects.filter(is_active=True).order_by("tree_id", "lft")
    else:
        people_qs = reports_of(my_employee(request.user)).order_by("last_name", "first_name")
        # A manager may pick any team their reports sit in; only their reports in it are assigned.
        teams_qs = OrgUnit.objects.filter(pk__in=people_qs.values("org_unit")).order_by("name")
    if not permissions.is_learning_staff(request.user) and not people_qs.exists():
        raise PermissionDenied("Only line managers, HR and learning staff assign training.")
    form = AssignForm(request.POST or None, people_qs=people_qs, teams_qs=teams_qs,
                      by_number=permissions.is_learning_staff(request.user),
                      initial={"course": request.GET.get("course")})
    if request.method == "POST" and form.is_valid():
        people = list(form.cleaned_data["people"])
        if form.cleaned_data["team"]:
            team_members = Employee.objects.filter(is_active=True, org_unit=form.cleaned_data["team"])
            if not permissions.is_learning_staff(request.user):
                team_members = team_members.filter(pk__in=people_qs.values("pk"))
            people += [p for p in team_members if p not in people]
        try:
            created = services.assignment_create(actor=request.user, course=form.cleaned_data["course"],
                                                 employees=people, due_on=form.cleaned_data["due_on"])
        except DomainError as exc:
            _form_domain_error(form, exc)
        else:
            messages.success(request, f"Assigned to {len(created)} {'person' if len(created) == 1 else 'people'}.")
            return redirect("training:team" if not permissions.is_learning_staff(request.user) else "training:catalogue")
    return render(request, "training/assign.html", {"form": form})


@require_POST
def assignment_withdraw(request, pk: int):
    assignment = get_object_or_404(Assignment, pk=pk)
    _act(request, lambda: services.assignment_withdraw(actor=request.user, assignment=assignment),
         "The assignment is withdrawn.")
    return redirect("training:team")


@require_http_methods(["GET", "POST"])
@require_POST
def course_start(request, code: str):
    """The course page's start button: records that the learner opened the content (the quiz
    needs it), then sends them to it."""
    me = my_employee(request.user)
    course = get_object_or_404(Course, code=code, is_active=True)
    if not course.launch_url:
        raise Http404("This course has no e-learning to start.")
    services.content_opened_record(actor=request.user, employee=me, course=course)
    return redirect(course.launch_url)


def quiz(request, code: str):
    """The learner's attempt: questions and option order as drawn when it started (services.quiz)."""
    me = my_employee(request.user)
    course = get_object_or_404(Course, code=code, is_active=True)
    if not course.quiz_questions.exists():
        raise Http404("This course has no quiz.")
    result, missing, refusal, questions = None, [], "", []
    try:
        attempt = services.quiz_start(actor=request.user, employee=me, course=course)
        questions = selectors.attempt_questions(attempt)
    except DomainError as exc:
        refusal = str(exc)
    if request.method == "POST" and questions:
        answers = {}
        for q in questions:
            raw = request.POST.get(f"q{q.pk}")
            if raw is None or not (raw.isascii() and raw.isdigit()):
                missing.append(q.pk)
            else:
                answers[q.pk] = int(raw)
        if not missing:
            result = services.quiz_submit(actor=request.user, employee=me, course=course, answers=answers)
    return render(request, "training/quiz.html", {"course": course, "questions": questions, "result": result,
                                                  "missing": missing, "refusal": refusal})


def certificate(request, pk: int):
    completion = get_object_or_404(Completion.objects.select_related("employee", "course"), pk=pk)
    if not permissions.can_view_certificate(request.user, completion):
        raise PermissionDenied("You can only download your own certificates or those of people you manage.")
    response = HttpResponse(certificates.certificate_pdf(completion), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{completion.certificate_number}.pdf"'
    return response


# --- champions -------------------------------------------------------------------------------


def champions(request):
    return render(request, "training/champions.html", {"departments": selectors.champion_departments(),
                                                       "is_champion": permissions.is_champion(request.user),
                                                       "can_appoint": permissions.is_learning_staff(request.user)})


def champions_unit(request, code: str):
    unit = get_object_or_404(OrgUnit, code=code)
    rows = list(selectors.champions_in(unit))
    return render(request, "training/champions_unit.html", {
        "unit": unit, "champions": rows, "sessions": list(selectors.champion_drop_ins(rows)[:20]),
    })


@require_http_methods(["GET", "POST"])
def ask_champion(request):
    me = my_employee(request.user)
    form = HelpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.help_request_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_domain_error(form, exc)
        else:
            messages.success(request, f"Your request has gone to the digital champions for {req.routed_unit.name}.")
            return redirect("training:ask_champion")
    return render(request, "training/ask_champion.html", {"form": form, "mine": selectors.my_help_requests(me)[:10]})


def help_requests(request):
    me = my_employee(request.user)
    profile = selectors.champion_profile(me)
    if profile is None:
        raise PermissionDenied("This page is for digital champions.")
    return render(request, "training/help_requests.html", {
        "requests": selectors.help_requests_for_champion(me), "profile": profile,
        "logs": me.help_given.select_related("skill", "colleague")[:20],
    })


@require_POST
def help_request_take(request, pk: int):
    req = get_object_or_404(HelpRequest, pk=pk)
    _act(request, lambda: services.help_request_take(actor=request.user, help_request=req),
         f"You are helping {req.requester.display_name}.")
    return redirect("training:help_requests")


@require_http_methods(["GET", "POST"])
def help_log(request, pk: int | None = None):
    me = my_employee(request.user)
    if selectors.champion_profile(me) is None:
        raise PermissionDenied("Only digital champions log help.")
    # Another area's request (who asked, about what) is not this champion's to read: a 404 like any unseen id.
    req = get_object_or_404(selectors.help_requests_for_champion(me), pk=pk) if pk else None
    form = HelpLogForm(request.POST or None, initial={"topic": req.topic if req else "",
                                                      "skill": req.skill_id if req else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.help_log_record(actor=request.user, help_request=req, **form.cleaned_data)
        except DomainError as exc:
            _form_domain_error(form, exc)
        else:
            messages.success(request, "Thank you. The help you gave is logged.")
            return redirect("training:help_requests")
    return render(request, "training/help_log.html", {"form": form, "help_request": req})


@require_http_methods(["GET", "POST"])
def champion_profile_edit(request):
    me = my_employee(request.user)
    profile = selectors.champion_profile(me)
    if profile is None:
        raise PermissionDenied("This page is for digital champions.")
    form = ChampionProfileForm(request.POST or None, initial={"skills": profile.skills.all(),
                                                              "availability": profile.availability})
    if request.method == "POST" and form.is_valid():
        services.champion_save(actor=request.user, employee=me, unit=profile.unit, **form.cleaned_data)
        messages.success(request, "Your champion details are updated.")
        return redirect("training:help_requests")
    return render(request, "training/champion_profile.html", {"form": form, "profile": profile})


@require_http_methods(["GET", "POST"])
def champion_appoint(request):
    if not permissions.is_learning_staff(request.user):
        raise PermissionDenied("Only HR and learning staff appoint digital champions.")
    form = ChampionAppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        existing = selectors.champion_profile(person)
        services.champion_save(actor=request.user, employee=person, unit=form.cleaned_data["unit"],
                               skills=existing.skills.all() if existing else [],
                               availability=form.cleaned_data["availability"])
        messages.success(request, f"{person.display_name} is a digital champion for {form.cleaned_data['unit'].name}.")
        return redirect("training:champions_unit", code=form.cleaned_data["unit"].code)
    return render(request, "training/champion_appoint.html", {"form": form})


@require_POST
def session_cancel(request, pk: int):
    session = get_object_or_404(Session, pk=pk)
    _act(request, lambda: services.session_cancel(actor=request.user, session=session),
         "The session is cancelled and everyone booked has been told.")
    return redirect("training:session", pk=pk)


@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    """Change when, where or how big a session is; people with a place get an updated invite."""
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied("Only HR and learning administrators change sessions.")
    session = get_object_or_404(Session.objects.select_related("course", "host"), pk=pk)
    initial = {"starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
               "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%d %H:%M"),
               "venue": session.venue, "online_url": session.online_url, "capacity": session.capacity,
               "host": session.host_id}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_update(actor=request.user, session=session, starts_at=data["starts_at"],
                                    ends_at=data["ends_at"], venue=data["venue"], online_url=data["online_url"],
                                    capacity=data["capacity"], host=data["host"])
        except DomainError as exc:
            _form_domain_error(form, exc)
        else:
            messages.success(request, "The session is updated. Everyone with a place has an updated invite.")
            return redirect("training:session", pk=pk)
    return render(request, "training/session_form.html", {"form": form, "course": session.course, "editing": True})


@require_http_methods(["GET", "POST"])
def auto_assignment(request):
    """Rules that turn skills gaps into assignments; runs nightly, or now on request."""
    from .models import AutoAssignmentRule

    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied("Only HR and learning administrators manage automatic assignment.")
    form = AutoAssignmentRuleForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "run":
            tasks.auto_assignment_request_run(actor=request.user)
            messages.success(request, "Automatic assignment is running. New assignments appear in a few minutes.")
            return redirect("training:auto_assignment")
        if form.is_valid():
            try:
                services.auto_assignment_rule_save(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _form_domain_error(form, exc)
            else:
                messages.success(request, "The rule is saved. It runs every night.")
                return redirect("training:auto_assignment")
    rules = AutoAssignmentRule.objects.select_related("unit").order_by("name")
    return render(request, "training/auto_assignment.html", {"form": form, "rules": rules})
