"""Forms. A request type's fields are built at run time from its JSON definition (`validation.py`),
so HR can add or change fields without a deploy; page posts and API bodies meet the same rules."""

from decimal import Decimal

from django import forms
from django.conf import settings

from people.models import Employee

from .models import Channel, Delegation, PayPeriod, RequestType
from .validation import json_safe, request_fields


class RequestDataForm(forms.Form):
    """The fields of one request type, as `validation.request_fields` defines them; the service
    checks the same data again with `validation.request_data_clean`."""

    def __init__(self, request_type: RequestType, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        self.fields.update(request_fields(request_type))

    def json_data(self) -> dict:
        """cleaned_data as JSON-safe values (dates ISO, decimals as strings)."""
        return json_safe(self.cleaned_data)


class OnBehalfForm(forms.Form):
    """Assisted digital: who the request is for and how it reached us."""

    employee = forms.ModelChoiceField(
        label="Employee this request is for", queryset=Employee.objects.none(),
        help_text="Leave empty to make a request for yourself.", required=False,
    )
    channel = forms.ChoiceField(
        label="How did this request reach you?", widget=forms.RadioSelect,
        choices=[(Channel.ASSISTED, "I am helping them make it (assisted)"),
                 (Channel.PAPER, "They gave me a paper form (keyed in)")],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(is_active=True).order_by("last_name", "first_name")

    def clean(self):
        data = super().clean()
        if data.get("employee") and not data.get("channel"):
            self.add_error("channel", "Select how the request reached you.")
        return data


class ChooseTypeForm(forms.Form):
    type = forms.ChoiceField(label="What do you want to ask for?", widget=forms.RadioSelect)

    def __init__(self, types, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(t.code, t.name) for t in types]
        self.fields["type"].error_messages["required"] = "Select what you want to ask for."


class BankDetailsForm(forms.Form):
    account_name = forms.CharField(label="Name on the account", max_length=100)
    sort_code = forms.CharField(label="Sort code", max_length=20, help_text="Must be 6 digits long, for example 309430.")
    account_number = forms.CharField(label="Account number", max_length=20,
                                     help_text="Must be 8 digits long, for example 00733445.")
    password = forms.CharField(label="The password you sign in with", widget=forms.PasswordInput(render_value=False),
                               help_text="To protect your pay, enter it again. If you sign in with your council "
                                         "network password, enter that.")


class VerifyBankDetailsForm(forms.Form):
    """The second payroll check: the new details re-keyed as the employee confirms them."""

    sort_code = forms.CharField(label="New sort code", max_length=20,
                                help_text="6 digits, as the employee confirms it to you.")
    account_number = forms.CharField(label="New account number", max_length=20,
                                     help_text="8 digits, as the employee confirms it to you.")


class DecisionForm(forms.Form):
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=4000, help_text="Required when you reject or return a request.")


class CommentForm(forms.Form):
    body = forms.CharField(label="Add a comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                           error_messages={"required": "Enter a comment."})


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"PDF, JPG, PNG, Word or Excel, up to {settings.SELF_SERVICE_ATTACHMENT_MAX_MB} MB.",
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Overall, how satisfied were you with this service?", coerce=int, widget=forms.RadioSelect,
        choices=[(5, "Very satisfied"), (4, "Satisfied"), (3, "Neither satisfied nor dissatisfied"),
                 (2, "Dissatisfied"), (1, "Very dissatisfied")],
    )


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["delegate", "starts_on", "ends_on"]
        labels = {"delegate": "Acting manager", "starts_on": "From", "ends_on": "Until (inclusive)"}
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}), "ends_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = Employee.objects.filter(is_active=True).order_by("last_name", "first_name")


class QueueFilterForm(forms.Form):
    type = forms.ChoiceField(label="Request type", required=False)
    q = forms.CharField(label="Employee name", required=False, max_length=100)
    overdue = forms.BooleanField(label="Only escalated or past their decision deadline", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Any type"), *RequestType.objects.values_list("code", "name")]


class PayrollImportForm(forms.Form):
    period = forms.ModelChoiceField(label="Pay period", queryset=PayPeriod.objects.filter(closed_at__isnull=True),
                                    empty_label=None)
    file = forms.FileField(label="Payslip CSV file", help_text="UTF-8 CSV in the format described below.")


class PayrollExportForm(forms.Form):
    period = forms.ModelChoiceField(label="Pay period", queryset=PayPeriod.objects.filter(closed_at__isnull=True),
                                    empty_label=None)


class PayPeriodForm(forms.ModelForm):
    """Payroll's pay period page; the rules (dates in order, cut-off within, no overlap) are the
    model's clean(), which the form shows and the service runs again on the row it saves."""

    class Meta:
        model = PayPeriod
        fields = ["code", "name", "starts_on", "ends_on", "cutoff_on", "pay_date"]
        labels = {"code": "Code", "starts_on": "First day", "ends_on": "Last day", "cutoff_on": "Cut-off date",
                  "pay_date": "Pay date"}
        help_texts = {"cutoff_on": "Changes approved on or before this day are paid in this period.",
                      "code": "For example, 2027-01."}
        widgets = {f: forms.DateInput(attrs={"type": "date"}) for f in ("starts_on", "ends_on", "cutoff_on", "pay_date")}


class AuditSearchForm(forms.Form):
    q = forms.CharField(label="Employee name or number", required=False, max_length=100)
    action = forms.CharField(label="Action starts with", required=False, max_length=64,
                             help_text="For example, request. or bank_details.")
    channel = forms.ChoiceField(label="Channel", required=False)
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from people.models import AuditEntry

        self.fields["channel"].choices = [("", "Any channel"), *AuditEntry.Channel.choices]


class RequestTypeForm(forms.ModelForm):
    """HR's editor for a request type. `fields` and `approval_chain` are JSON (see RequestType)."""

    fields = forms.JSONField(label="Fields (JSON)", widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
                             help_text='A list like [{"name": "reason", "label": "Reason", "type": "textarea"}]. '
                                       "Types: text, textarea, date, decimal, integer, choice, email, phone, boolean.")
    approval_chain = forms.JSONField(
        label="Approval chain (JSON)", required=False, widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text='Levels in order, e.g. [{"approver": "line_manager"}, {"approver": "head_of_service", "when": '
                  '{"field": "hours", "over": 10}}]. Approvers: line_manager, head_of_service, hr, payroll. '
                  "Empty: the processing team decides.")

    class Meta:
        model = RequestType
        fields = ["name", "description", "fields", "approval_chain", "processing_team", "affects_payroll",
                  "attachments_allowed", "attachment_required", "attachment_hint", "decision_deadline_days",
                  "reminder_working_days", "visibility", "is_active", "order"]
        widgets = {"processing_team": forms.RadioSelect, "visibility": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"].required = False  # left out: as it was (new types: managers may see them)

    def clean_approval_chain(self):
        return self.cleaned_data.get("approval_chain") or []

    def clean_visibility(self):
        return self.cleaned_data.get("visibility") or self.instance.visibility


class WorkingPatternForm(forms.Form):
    """HR records the days a part-time employee works; leave is charged only on those days."""

    employee = forms.ModelChoiceField(label="Employee", queryset=Employee.objects.none())
    weekdays = forms.TypedMultipleChoiceField(
        label="Days they work", coerce=int, widget=forms.CheckboxSelectMultiple,
        choices=[(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
                 (5, "Saturday"), (6, "Sunday")],
        error_messages={"required": "Select at least one day that they work."},
    )
    hours_per_day = forms.DecimalField(label="Hours a day (optional)", required=False, min_value=Decimal("0.25"),
                                       max_value=Decimal("24"), decimal_places=2,
                                       help_text="For HR's records. Leave is booked in days.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(is_active=True).order_by("last_name", "first_name")
