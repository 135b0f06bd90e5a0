"""Payroll's models: pay periods, payslips and their imports, exports, bank details. Kept apart from
`models.py` for size; `models.py` re-exports them, so `from self_service.models import PayPeriod`
works as for every other model of the app."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from people.models import Employee


class PayPeriod(models.Model):
    """A monthly payroll period. Changes approved on or before `cutoff_on` go into this period's
    export; later ones go to the next period."""

    code = models.CharField(max_length=16, unique=True, help_text="E.g. 2026-11.")
    name = models.CharField(max_length=64)
    starts_on = models.DateField()
    ends_on = models.DateField()
    cutoff_on = models.DateField()
    pay_date = models.DateField()
    # Closed by payroll once paid: no more imports or exports into it, and no more edits.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="pay_period_dates_in_order"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be the same as or after the start date."
        if self.starts_on and self.ends_on and self.cutoff_on and not self.starts_on <= self.cutoff_on <= self.ends_on:
            errors["cutoff_on"] = "The cut-off date must fall within the period."
        if self.cutoff_on and self.pay_date and self.pay_date < self.cutoff_on:
            errors["pay_date"] = "The pay date must be on or after the cut-off date."
        if not errors and self.starts_on and self.ends_on:
            overlap = PayPeriod.objects.filter(starts_on__lte=self.ends_on, ends_on__gte=self.starts_on).exclude(
                pk=self.pk).first()
            if overlap is not None:
                errors["starts_on"] = (f"These dates overlap {overlap.name} ({overlap.starts_on:%d %B %Y} to "
                                       f"{overlap.ends_on:%d %B %Y}).")
        if errors:
            raise ValidationError(errors)


class PayrollImport(models.Model):
    period = models.ForeignKey(PayPeriod, on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(max_length=200)
    row_count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.period} import ({self.row_count} payslips)"


class Payslip(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="payslips")
    period = models.ForeignKey(PayPeriod, on_delete=models.PROTECT, related_name="payslips")
    payroll_import = models.ForeignKey(PayrollImport, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="payslips")
    tax_code = models.CharField(max_length=16)
    gross_pay = models.DecimalField(max_digits=10, decimal_places=2)
    income_tax = models.DecimalField(max_digits=10, decimal_places=2)
    national_insurance = models.DecimalField(max_digits=10, decimal_places=2)
    pension = models.DecimalField(max_digits=10, decimal_places=2)
    other_deductions = models.DecimalField(max_digits=10, decimal_places=2)
    net_pay = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period__starts_on"]
        constraints = [models.UniqueConstraint(fields=["employee", "period"], name="one_payslip_per_period")]

    def __str__(self):
        return f"Payslip {self.period} – {self.employee}"

    @property
    def total_deductions(self):
        return self.income_tax + self.national_insurance + self.pension + self.other_deductions


class PayrollExport(models.Model):
    period = models.ForeignKey(PayPeriod, on_delete=models.PROTECT, related_name="exports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)
    # The CSV as sent (it carries bank details), encrypted like them so it can be downloaded again.
    content_encrypted = models.BinaryField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Payroll export {self.period} ({self.row_count} changes)"


class BankDetailsChange(models.Model):
    """The new bank details of a bank details change request. Sort code and account number are
    Fernet-encrypted; only the last four digits are kept in clear for masked display."""

    request = models.OneToOneField("self_service.Request", on_delete=models.CASCADE, related_name="bank_details")
    account_name = models.CharField(max_length=100)
    sort_code_encrypted = models.BinaryField()
    account_number_encrypted = models.BinaryField()
    account_last4 = models.CharField(max_length=4)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)

    @property
    def masked_account(self) -> str:
        return f"••••{self.account_last4}"

    def __str__(self):
        return f"Bank details {self.masked_account}"


class BankAccount(models.Model):
    """The bank account payroll pays an employee into (set when a verified change is exported)."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="bank_account")
    account_name = models.CharField(max_length=100)
    sort_code_encrypted = models.BinaryField()
    account_number_encrypted = models.BinaryField()
    account_last4 = models.CharField(max_length=4)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def masked_account(self) -> str:
        return f"••••{self.account_last4}"

    def __str__(self):
        return f"Bank account {self.masked_account}"
