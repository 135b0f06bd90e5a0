"""Payroll's pay periods page: list, create, change while open, close once paid. Kept out of
views.py for size; the rules are the services' (`services.pay_periods`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError

from . import permissions, services
from .forms import PayPeriodForm
from .models import PayPeriod
from .views import _add_errors


def _payroll_only(request):
    if not permissions.can_use_payroll(request.user):
        raise PermissionDenied("Pay periods are managed by the payroll team.")


def pay_periods(request):
    _payroll_only(request)
    periods = PayPeriod.objects.select_related("closed_by")
    return render(request, "self_service/pay_periods.html", {"periods": periods})


@require_http_methods(["GET", "POST"])
def pay_period_edit(request, pk=None):
    _payroll_only(request)
    period = get_object_or_404(PayPeriod, pk=pk) if pk else None
    if period is not None and period.is_closed:
        messages.error(request, f"{period.name} is closed and can no longer be changed.")
        return redirect("self_service:pay_periods")
    # the form works on a copy: the service changes the row it has locked
    form = PayPeriodForm(request.POST or None, instance=PayPeriod.objects.get(pk=pk) if pk else PayPeriod())
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.pay_period_save(actor=request.user, period=period,
                                             data={f: form.cleaned_data[f] for f in form.Meta.fields})
        except ValidationError as exc:
            _add_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("self_service:pay_periods")
    return render(request, "self_service/pay_period_form.html", {"form": form, "period": period})


@require_POST
def pay_period_close(request, pk):
    _payroll_only(request)
    period = get_object_or_404(PayPeriod, pk=pk)
    try:
        services.pay_period_close(actor=request.user, period=period)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{period.name} closed.")
    return redirect("self_service:pay_periods")
