from rest_framework import serializers

from core.api.fields import IdField

from ..models import Assessment, Level, Rating, RoleProfile, Skill


class DescriptorSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    text = serializers.CharField()


class SkillSerializer(serializers.ModelSerializer):
    descriptors = DescriptorSerializer(many=True, read_only=True)

    class Meta:
        model = Skill
        fields = ["id", "code", "name", "description", "is_active", "descriptors"]


class AreaSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="area.pk")
    code = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    description = serializers.CharField(source="area.description")
    skills = SkillSerializer(many=True)


class RequirementSerializer(serializers.Serializer):
    skill = serializers.IntegerField(source="skill_id")
    skill_code = serializers.CharField(source="skill.code")
    level = serializers.IntegerField()


class RoleProfileSerializer(serializers.ModelSerializer):
    requirements = RequirementSerializer(many=True, read_only=True)

    class Meta:
        model = RoleProfile
        fields = ["id", "code", "name", "job_family", "grade", "work_style", "is_default", "is_active", "requirements"]


class RequirementInputSerializer(serializers.Serializer):
    skill = serializers.PrimaryKeyRelatedField(queryset=Skill.objects.filter(kind=Skill.Kind.SKILL))
    level = serializers.ChoiceField(choices=Level.choices, allow_null=True)


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["skill", "skill_name", "self_level", "validated_level", "adjust_reason", "descriptor"]


class AssessmentSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.name")
    employee = serializers.IntegerField(source="employee_id")
    framework_version = serializers.IntegerField(source="framework_version.number", allow_null=True, default=None)
    ratings = RatingSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "employee", "campaign", "status", "framework_version", "started_at", "submitted_at",
                  "validated_at", "ratings"]


class LevelsInputSerializer(serializers.Serializer):
    levels = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=4, allow_null=True),
                                   help_text="{skill_id: level}")


class AdjustmentSerializer(serializers.Serializer):
    skill = IdField()
    level = serializers.IntegerField(min_value=0, max_value=4)
    reason = serializers.CharField(allow_blank=True, default="")


class ValidateInputSerializer(serializers.Serializer):
    adjustments = AdjustmentSerializer(many=True, required=False, default=list)


# The gap matrix (MatrixApi). Documentation of what the view builds; it is not used to render.
class MatrixColumnSerializer(serializers.Serializer):
    skill = serializers.IntegerField(help_text="Skill id")
    code = serializers.CharField()
    name = serializers.CharField()
    area = serializers.CharField(help_text="Name of the skill's area")


class MatrixCellSerializer(serializers.Serializer):
    required = serializers.IntegerField(help_text="Level the person's role profile requires (0-4)")
    current = serializers.IntegerField(allow_null=True, help_text="Current (validated) level; null: not assessed")
    pending = serializers.IntegerField(allow_null=True, help_text="Self-assessed level awaiting validation, if any")


class MatrixRowSerializer(serializers.Serializer):
    employee = serializers.IntegerField(help_text="Employee id")
    name = serializers.CharField()
    unit = serializers.CharField(help_text="Org unit name; blank when none")
    role_profile = serializers.CharField(help_text='Role profile name measured against; "None" when none applies')
    skills_below = serializers.IntegerField(help_text="Number of required skills below the required level")
    levels_short = serializers.IntegerField(help_text="Total levels short across required skills")
    levels = serializers.DictField(child=MatrixCellSerializer(),
                                   help_text="Keyed by skill id (as a string): one entry per required skill shown")


class MatrixSkillTotalSerializer(serializers.Serializer):
    skill = serializers.IntegerField(help_text="Skill id")
    people_required = serializers.IntegerField()
    people_below = serializers.IntegerField()
    levels_short = serializers.IntegerField()


class MatrixSerializer(serializers.Serializer):
    columns = MatrixColumnSerializer(many=True)
    rows = MatrixRowSerializer(many=True)
    skill_totals = MatrixSkillTotalSerializer(many=True)
