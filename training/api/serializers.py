from rest_framework import serializers

from core.api.fields import IdField, IdListField

from ..models import Assignment, Booking, Completion, Course, CourseSkill, Session


class CourseSkillSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField(slug_field="code", read_only=True)
    skill_name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = CourseSkill
        fields = ["skill", "skill_name", "level"]


class CourseSerializer(serializers.ModelSerializer):
    skills = CourseSkillSerializer(source="skill_links", many=True, read_only=True)
    has_upcoming_sessions = serializers.BooleanField(source="has_upcoming", read_only=True)

    class Meta:
        model = Course
        fields = ["id", "code", "title", "kind", "summary", "launch_url", "duration_minutes", "audience",
                  "requires_approval", "cancellation_cutoff_hours", "skills", "has_upcoming_sessions"]


class SessionSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="code", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    places_taken = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = ["id", "course", "course_title", "starts_at", "ends_at", "venue", "online_url", "capacity",
                  "places_taken", "waiting", "status"]


class BookingSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="session.course.title", read_only=True)
    starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "session", "course_title", "starts_at", "employee", "employee_name", "status", "created_at"]


class BookingInputSerializer(serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.all())
    employee = IdField(required=False, help_text="Defaults to yourself; managers may book for reports.")


class AssignmentSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="code", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "course", "course_title", "employee", "employee_name", "source", "due_on", "status",
                  "created_at", "completed_at"]


class AssignmentInputSerializer(serializers.Serializer):
    course = serializers.SlugRelatedField(slug_field="code", queryset=Course.objects.filter(is_active=True))
    employees = IdListField(min_length=1, max_length=500)
    due_on = serializers.DateField()


class CompletionSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="code", read_only=True)
    course_title = serializers.CharField(source="course.title", read_only=True)
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)

    class Meta:
        model = Completion
        fields = ["id", "course", "course_title", "employee", "employee_name", "source", "completed_at",
                  "score_scaled", "score_raw"]


class XapiAccountSerializer(serializers.Serializer):
    homePage = serializers.URLField()  # noqa: N815 - xAPI's own field name
    name = serializers.CharField()


class XapiActorSerializer(serializers.Serializer):
    mbox = serializers.CharField(required=False, help_text="mailto: + the learner's work email")
    account = XapiAccountSerializer(required=False)


class XapiIdSerializer(serializers.Serializer):
    id = serializers.CharField()


class XapiScoreSerializer(serializers.Serializer):
    scaled = serializers.FloatField(required=False, min_value=-1, max_value=1)
    raw = serializers.FloatField(required=False)


class XapiResultSerializer(serializers.Serializer):
    score = XapiScoreSerializer(required=False)
    success = serializers.BooleanField(required=False)


class XapiStatementSerializer(serializers.Serializer):
    """Documentation of the accepted subset; validation is done by training.xapi (naming the field)."""

    id = serializers.UUIDField()
    actor = XapiActorSerializer()
    verb = XapiIdSerializer(help_text="http://adlnet.gov/expapi/verbs/completed | passed | failed")
    object = XapiIdSerializer(help_text="The course's activity IRI")
    result = XapiResultSerializer(required=False)
    timestamp = serializers.DateTimeField(required=False)
