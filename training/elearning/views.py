"""Pages of e-learning played in the intranet: the learning team's package page, the learner's
start button, the player (a GOV.UK page with the SCO in an iframe), the content under its own path,
and the endpoint the runtime API commits to.

Content security: the SCO is served from our origin under /training/elearning/content/<attempt>/,
only to the learner whose attempt it is, only files the package listed, with a CSP keeping it to
our own origin (no outside scripts, frames or connections) and framing allowed by our pages only.
The player page itself runs no inline script (its settings travel as a JSON script element)."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from people.selectors import my_employee

from .. import permissions, services
from ..models import Course
from . import cmi5, selectors
from .runtime import initial_cmi

CONTENT_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
               "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
PLAYER_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
              "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
MAX_COMMIT_BYTES = 512 * 1024


class PackageUploadForm(forms.Form):
    package = forms.FileField(label="Package (.zip)", help_text="A SCORM 1.2 or SCORM 2004 package (with "
                              "imsmanifest.xml) or a cmi5 package (with cmi5.xml), exported from the authoring tool.")


def _course(code: str) -> Course:
    return get_object_or_404(Course, code=code)


@require_http_methods(["GET", "POST"])
def packages(request, code: str):
    """The learning team's page: the course's package versions and an upload form."""
    if not permissions.can_manage_catalogue(request.user):
        raise PermissionDenied("Only HR and learning administrators upload e-learning.")
    course = _course(code)
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            package = services.package_upload(actor=request.user, course=course, upload=form.cleaned_data["package"])
        except DomainError as exc:
            form.add_error("package", str(exc))
        else:
            messages.success(request, f"Version {package.version} of “{package.title}” is uploaded. New attempts "
                                      "use it; learners part way through keep the version they started.")
            return redirect("training:elearning_packages", code=course.code)
    return render(request, "training/elearning_packages.html", {
        "course": course, "form": form, "packages": selectors.packages_of(course)})


@require_POST
def attempt_start(request, code: str):
    """The course page's button: resume the attempt in progress, or start one (again=1: afresh)."""
    me = my_employee(request.user)
    course = get_object_or_404(Course, code=code, is_active=True)
    try:
        attempt = services.attempt_open(actor=request.user, employee=me, course=course,
                                        again=request.POST.get("again") == "1")
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("training:course", code=code)
    return redirect("training:elearning_player", pk=attempt.pk)


def player(request, pk: int):
    """Opening the player is a launch (as in any LMS): a new session of the attempt, with a new
    commit key, and the bookmark and suspend data handed back to the SCO."""
    attempt = get_object_or_404(selectors.attempts_of_user(request.user), pk=pk)
    if attempt.finished_at is not None:
        messages.info(request, "You have finished this attempt.")
        return redirect("training:course", code=attempt.course.code)
    attempt, key = services.attempt_launch(attempt=attempt)
    package, employee = attempt.package, attempt.employee
    content = reverse("training:elearning_content", args=[attempt.pk, package.launch_path.split("?")[0]])
    query = package.launch_path.partition("?")[2]
    config = {"standard": package.standard, "attempt": attempt.pk,
              "commitUrl": reverse("training:elearning_commit", args=[attempt.pk, key]),
              "courseUrl": reverse("training:course", args=[attempt.course.code])}
    if package.standard == "cmi5":
        launch = cmi5.launch_prepare(request, attempt=attempt, key=key)
        query = "&".join(filter(None, [query, launch]))
    else:
        config["cmi"] = initial_cmi(attempt, learner_id=request.user.get_username(), learner_name=employee.display_name)
    config["contentUrl"] = content + (f"?{query}" if query else "")
    response = render(request, "training/elearning_player.html", {"attempt": attempt, "config": config})
    response["Content-Security-Policy"] = PLAYER_CSP
    return response


@csrf_exempt  # sendBeacon cannot send the CSRF header; the per-launch key in the URL does its job
@require_POST
def commit(request, pk: int, key: str):
    """scorm-again's lmsCommitUrl. JSON (or the same as text/plain from sendBeacon on unload);
    answers {"result": true, "errorCode": 0} as scorm-again expects, or a 4xx naming the problem."""
    if not request.user.is_authenticated:
        return JsonResponse({"result": False, "errorCode": 101, "error": "Sign in again."}, status=401)
    if len(request.body) > MAX_COMMIT_BYTES:
        return JsonResponse({"result": False, "errorCode": 101, "error": "The commit is too large."}, status=413)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"result": False, "errorCode": 101, "error": "The commit is not JSON."}, status=400)
    sequence = payload.get("commitSequence") if isinstance(payload, dict) else None
    try:
        services.attempt_commit(user=request.user, attempt_id=pk, key=key, payload=payload,
                                sequence=sequence if isinstance(sequence, int) and sequence >= 0 else None)
    except DomainError as exc:
        return JsonResponse({"result": False, "errorCode": 101, "error": str(exc), "field": exc.field},
                            status=exc.status_code)
    return JsonResponse({"result": True, "errorCode": 0})


@xframe_options_sameorigin
def content(request, pk: int, path: str):
    attempt = get_object_or_404(selectors.attempts_of_user(request.user), pk=pk)
    stored = attempt.package.files.get(path)  # the package's own files only: nothing else is served
    if stored is None:
        raise Http404("No such file in this package.")
    try:
        handle = storages["private"].open(stored)
    except FileNotFoundError:
        raise Http404("No such file in this package.") from None
    response = FileResponse(handle, content_type=_content_type(path))
    response["Content-Security-Policy"] = CONTENT_CSP
    response["Cache-Control"] = "private, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _content_type(path: str) -> str:
    import mimetypes

    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith(("javascript", "json", "xml")) \
        else kind


@csrf_exempt  # the AU posts here without our cookie's CSRF token; the per-launch key stands in for it
@require_POST
def cmi5_fetch(request, pk: int, key: str):
    return cmi5.fetch(request, pk=pk, key=key)
