from rest_framework import serializers

from core.api.fields import IdField, IdListField

from ..models import Channel, Payslip, Request, RequestType


class RequestTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestType
        fields = ["code", "name", "description", "kind", "fields", "approval_chain", "processing_team",
                  "affects_payroll", "attachment_required", "decision_deadline_days"]


class RequestOutputSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reference = serializers.CharField(read_only=True)
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)
    current_approver_name = serializers.CharField(source="current_approver.display_name", read_only=True, default=None)

    class Meta:
        model = Request
        fields = ["id", "reference", "type", "employee", "employee_name", "channel", "status", "data", "summary",
                  "start_date", "end_date", "days", "approval_level", "current_approver", "current_approver_name",
                  "current_approver_role", "decision_due", "submitted_at", "decided_at", "processed_at", "rating",
                  "created_at"]


class RequestCreateSerializer(serializers.Serializer):
    type = serializers.SlugRelatedField(slug_field="code", queryset=RequestType.objects.filter(is_active=True))
    data = serializers.DictField()
    submit = serializers.BooleanField(default=False)
    employee = IdField(required=False, help_text="For assisted digital: the colleague's id.")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)


class RequestUpdateSerializer(serializers.Serializer):
    data = serializers.DictField()


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000, error_messages={
        "max_length": "Enter a comment of at most {max_length} characters."})
    sort_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=20,
                                      help_text="verify only: the new sort code, re-keyed as the employee confirms it")
    account_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=20,
                                           help_text="verify only: the new account number, re-keyed")


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000, error_messages={
        "max_length": "Enter a comment of at most {max_length} characters.", "blank": "Enter a comment."})


class BulkApproveSerializer(serializers.Serializer):
    ids = IdListField(min_length=1, max_length=200)


class BankDetailsSerializer(serializers.Serializer):
    account_name = serializers.CharField(max_length=100)
    sort_code = serializers.CharField(max_length=20)
    account_number = serializers.CharField(max_length=20)
    password = serializers.CharField(max_length=200, write_only=True, style={"input_type": "password"})


class PayslipSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.name", read_only=True)

    class Meta:
        model = Payslip
        fields = ["id", "period", "tax_code", "gross_pay", "income_tax", "national_insurance", "pension",
                  "other_deductions", "net_pay"]


class BulkApproveResultSerializer(serializers.Serializer):
    approved = serializers.ListField(child=serializers.IntegerField())
    failed = serializers.DictField(child=serializers.CharField(), help_text="Request id -> why it was not approved.")


class LeaveBalanceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    entitlement = serializers.DecimalField(max_digits=5, decimal_places=1)
    taken = serializers.DecimalField(max_digits=5, decimal_places=1)
    pending = serializers.DecimalField(max_digits=5, decimal_places=1)
    remaining = serializers.DecimalField(max_digits=5, decimal_places=1)
    fte = serializers.DecimalField(max_digits=4, decimal_places=3)
