"""API for e-learning played in the intranet, with the pages' permissions: the learning team lists
and uploads package versions (training.permissions.can_manage_catalogue); attempts are seen by the
learner, their managers up the line and the learning team (elearning.selectors.attempts_visible_to),
anyone else's being a 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.ids import id_or_error

from .. import permissions, services
from ..elearning import selectors
from ..models import Course, ElearningAttempt, ElearningPackage

TAGS = ["training"]


class IsLearningStaff(BasePermission):
    message = "Only HR and learning administrators manage e-learning packages."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and permissions.can_manage_catalogue(request.user))


class PackageSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="code", read_only=True)
    file_count = serializers.SerializerMethodField()

    class Meta:
        model = ElearningPackage
        fields = ["id", "course", "version", "standard", "edition", "title", "launch_path", "is_current",
                  "activity_iri", "move_on", "mastery_score", "file_count", "total_bytes", "uploaded_at"]
        read_only_fields = fields

    def get_file_count(self, obj) -> int:
        return len(obj.files)


class PackageUploadSerializer(serializers.Serializer):
    package = serializers.FileField(help_text="The zip: SCORM 1.2 / 2004 (imsmanifest.xml) or cmi5 (cmi5.xml).")


class AttemptSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="code", read_only=True)
    employee = serializers.PrimaryKeyRelatedField(read_only=True)
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)
    package_version = serializers.IntegerField(source="package.version", read_only=True)
    standard = serializers.CharField(source="package.standard", read_only=True)
    status = serializers.CharField(source="status_label", read_only=True)
    time_seconds = serializers.IntegerField(read_only=True)

    class Meta:
        model = ElearningAttempt
        fields = ["id", "course", "employee", "employee_name", "package_version", "standard", "status",
                  "lesson_status", "completion_status", "success_status", "score_raw", "score_min", "score_max",
                  "score_scaled", "time_seconds", "sessions", "location", "started_at", "last_commit_at",
                  "finished_at", "completion", "registration"]
        read_only_fields = fields


@extend_schema(tags=TAGS)
class PackageListApi(generics.ListCreateAPIView):
    """A course's e-learning package versions, newest first; POST a zip to add a version (it becomes
    the current one). A refused package is a 400 on `package` naming the problem; nothing is stored."""

    permission_classes = [IsLearningStaff]
    serializer_class = PackageSerializer
    parser_classes = [MultiPartParser]
    filter_backends: list = []

    def _course(self):
        return get_object_or_404(Course, code=self.kwargs["code"])

    def get_queryset(self):
        return selectors.packages_of(self._course())

    @extend_schema(request=PackageUploadSerializer, responses={201: PackageSerializer})
    def post(self, request, *args, **kwargs):
        data = PackageUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        package = services.package_upload(actor=request.user, course=self._course(),
                                          upload=data.validated_data["package"])
        return Response(PackageSerializer(package).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, parameters=[
    OpenApiParameter("course", str, description="Course code"),
    OpenApiParameter("employee", int, description="Employee id"),
])
class AttemptListApi(generics.ListAPIView):
    """E-learning attempts the caller may see: their own, their reports' (down the line), everyone's
    for the learning team. Newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = AttemptSerializer
    filter_backends: list = []

    def get_queryset(self):
        p = self.request.query_params
        qs = selectors.attempts_visible_to(self.request.user)
        if p.get("course"):
            qs = qs.filter(course__code=p["course"])
        if p.get("employee"):
            qs = qs.filter(employee_id=id_or_error(p["employee"], field="employee"))
        return qs.order_by("-started_at", "-id")


@extend_schema(tags=TAGS)
class AttemptDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AttemptSerializer

    def get_queryset(self):
        return selectors.attempts_visible_to(self.request.user)
