from rest_framework import serializers

from ..models import Employee, OrgUnit
from ..services import SELF_EDITABLE_FIELDS


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "parent", "level", "head"]


class DirectoryEntrySerializer(serializers.ModelSerializer):
    """What any member of staff may see of a colleague."""

    display_name = serializers.CharField(read_only=True)
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True, default="")

    class Meta:
        model = Employee
        fields = [
            "id", "display_name", "first_name", "last_name", "preferred_name", "job_title", "email",
            "work_phone", "mobile_phone", "location", "work_style", "org_unit", "org_unit_name",
            "line_manager", "is_digital_champion",
        ]


class EmployeeRecordSerializer(DirectoryEntrySerializer):
    """The full record: only for the person, their managers, HR and admins."""

    class Meta(DirectoryEntrySerializer.Meta):
        fields = [
            *DirectoryEntrySerializer.Meta.fields,
            "employee_number", "grade", "start_date", "is_active", "left_on",
        ]


class MyDetailsInputSerializer(serializers.Serializer):
    """Only the self-editable fields; any other key is rejected by the view with its name."""

    preferred_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    work_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    mobile_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    work_style = serializers.ChoiceField(choices=Employee.WorkStyle.choices, required=False)

    def validate(self, attrs):
        # Only names outside every self-editable field are refused here; a field the directory owns
        # for this employee is refused by the service, saying where to change it.
        unknown = sorted(set(self.initial_data) - set(SELF_EDITABLE_FIELDS))
        if unknown:
            raise serializers.ValidationError(
                {f: ["You cannot change this yourself. Ask HR or your line manager."] for f in unknown}
            )
        return attrs
