from rest_framework import serializers

from skills_matrix.models import Level, RoleProfile, Skill

from ..models import Applicant, Attempt, AttemptAreaResult, TemplateArea, TestTemplate


class TemplateAreaSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Skill.objects.filter(kind=Skill.Kind.AREA))
    area_name = serializers.CharField(source="area.name", read_only=True)
    baseline_level = serializers.ChoiceField(choices=Level.choices, default=Level.FOUNDATION)

    class Meta:
        model = TemplateArea
        fields = ["area", "area_name", "question_count", "pass_mark_percent", "baseline_level"]


class TemplateSerializer(serializers.ModelSerializer):
    areas = TemplateAreaSerializer(many=True)
    role_profile = serializers.SlugRelatedField(
        slug_field="code", queryset=RoleProfile.objects.filter(is_active=True), required=False, allow_null=True
    )

    class Meta:
        model = TestTemplate
        fields = ["id", "name", "role_profile", "role_name", "time_limit_minutes", "open_to_staff", "is_active", "areas"]
        read_only_fields = ["id", "is_active"]


class InvitationInputSerializer(serializers.Serializer):
    template = serializers.PrimaryKeyRelatedField(queryset=TestTemplate.objects.filter(is_active=True))
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    vacancy_reference = serializers.CharField(max_length=64)
    extra_time_percent = serializers.IntegerField(min_value=0, max_value=200, default=0)
    large_text = serializers.BooleanField(default=False)
    expires_in_days = serializers.IntegerField(min_value=1, max_value=60, default=14)


class ReissueInputSerializer(serializers.Serializer):
    expires_in_days = serializers.IntegerField(min_value=1, max_value=60, default=14)


class InvitationSerializer(serializers.ModelSerializer):
    """An applicant and their invitation. The link itself is only returned when it is created."""

    applicant_id = serializers.IntegerField(source="pk", read_only=True)
    template = serializers.IntegerField(source="invitation.template_id")
    state = serializers.CharField(source="invitation.state")
    expires_at = serializers.DateTimeField(source="invitation.expires_at")
    extra_time_percent = serializers.IntegerField(source="invitation.extra_time_percent")
    large_text = serializers.BooleanField(source="invitation.large_text")
    issue_count = serializers.IntegerField(source="invitation.issue_count")

    class Meta:
        model = Applicant
        fields = ["applicant_id", "name", "email", "vacancy_reference", "template", "state", "expires_at",
                  "extra_time_percent", "large_text", "issue_count", "hired_at", "created_at"]


class AreaResultSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")

    class Meta:
        model = AttemptAreaResult
        fields = ["area", "area_name", "question_count", "correct_count", "percent", "pass_mark_percent",
                  "baseline_level", "passed"]


class ResultSerializer(serializers.ModelSerializer):
    applicant_id = serializers.IntegerField(source="invitation.applicant_id")
    applicant_name = serializers.CharField(source="invitation.applicant.name")
    template = serializers.CharField(source="template.name")
    area_results = AreaResultSerializer(many=True)

    class Meta:
        model = Attempt
        fields = ["id", "applicant_id", "applicant_name", "vacancy_reference", "template", "state", "started_at",
                  "completed_at", "question_count", "correct_count", "percent", "passed", "area_results"]
