from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import DomainError
from people.models import Employee
from people.selectors import employee_records_visible_to, my_employee
from skills_matrix import selectors as skills_selectors

from .. import lrs_link, selectors, services, xapi
from ..models import Booking, Course
from .auth import ContentProviderAuthentication, IsContentProvider
from .serializers import (
    AssignmentInputSerializer,
    AssignmentSerializer,
    BookingInputSerializer,
    BookingSerializer,
    CompletionSerializer,
    CourseSerializer,
    SessionSerializer,
    XapiStatementSerializer,
)

TAGS = ["training"]


def _not_linked(message: str) -> DomainError:
    # A 400 on the `employee` field, as for a person the caller may not book for.
    return DomainError(message, field="employee")


@extend_schema(tags=TAGS, parameters=[
    OpenApiParameter("q", str, description="Words in the title, summary or audience"),
    OpenApiParameter("kind", str, enum=Course.Kind.values),
    OpenApiParameter("skill", str, description="Skill code the course develops"),
])
class CourseListApi(generics.ListAPIView):
    """The course catalogue: active courses with the skills and levels they develop."""

    permission_classes = [IsAuthenticated]
    serializer_class = CourseSerializer
    filter_backends: list = []

    def get_queryset(self):
        p = self.request.query_params
        skill = None
        if p.get("skill"):
            skill = skills_selectors.skill_by_code(p["skill"])
            if skill is None:
                raise serializers.ValidationError({"skill": ["No skill has this code."]})
        return selectors.catalogue(query=p.get("q", ""), kind=p.get("kind", ""), skill=skill)


@extend_schema(tags=TAGS)
class CourseDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CourseSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.catalogue()


@extend_schema(tags=TAGS, parameters=[OpenApiParameter("course", str, description="Course code")])
class SessionListApi(generics.ListAPIView):
    """Upcoming sessions with places taken and waiting-list length."""

    permission_classes = [IsAuthenticated]
    serializer_class = SessionSerializer
    filter_backends: list = []

    def get_queryset(self):
        course = None
        if code := self.request.query_params.get("course"):
            course = get_object_or_404(Course, code=code)
        return selectors.upcoming_sessions(course=course)


@extend_schema(tags=TAGS)
class SessionDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = SessionSerializer

    def get_queryset(self):
        return selectors.upcoming_sessions()


class BookingListApi(generics.ListCreateAPIView):
    """Bookings you may see (your own, your reports'; learning staff see all). POST books a place:
    confirmed, waiting list, or pending your manager's approval (see `status`)."""

    permission_classes = [IsAuthenticated]
    serializer_class = BookingSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.bookings_visible_to(self.request.user).order_by("-created_at")

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAGS, request=BookingInputSerializer, responses={201: BookingSerializer})
    def post(self, request):
        data = BookingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "employee" in data.validated_data:
            employee = employee_records_visible_to(request.user).filter(pk=data.validated_data["employee"]).first()
            if employee is None:
                raise DomainError("No such person among those you may book for.", field="employee")
        else:
            employee = my_employee(request.user, missing=_not_linked)
        booking = services.booking_create(actor=request.user, session=data.validated_data["session"],
                                          employee=employee)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, request=None, responses={200: BookingSerializer})
class BookingCancelApi(APIView):
    """Cancel a booking; a freed place goes to the first person on the waiting list."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk: int):
        booking = get_object_or_404(selectors.bookings_visible_to(request.user), pk=pk)
        booking = services.booking_cancel(actor=request.user, booking=booking)
        return Response(BookingSerializer(Booking.objects.select_related("session__course", "employee")
                                          .get(pk=booking.pk)).data)


class AssignmentListApi(generics.ListCreateAPIView):
    """Assignments you may see. POST assigns a course to people (managers: their reports)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AssignmentSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.assignments_visible_to(self.request.user).order_by("due_on", "id")

    @extend_schema(tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAGS, request=AssignmentInputSerializer, responses={201: AssignmentSerializer(many=True)})
    def post(self, request):
        data = AssignmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["employees"])
        employees = list(Employee.objects.filter(pk__in=ids, is_active=True))
        if len(employees) != len(ids):
            raise DomainError("Some of these people do not exist or have left.", field="employees")
        created = services.assignment_create(actor=request.user, course=data.validated_data["course"],
                                             employees=employees, due_on=data.validated_data["due_on"])
        rows = selectors.assignments_visible_to(request.user).filter(pk__in=[a.pk for a in created])
        return Response(AssignmentSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class CompletionListApi(generics.ListAPIView):
    """Completions you may see: your own, your reports'; learning staff see all."""

    permission_classes = [IsAuthenticated]
    serializer_class = CompletionSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.completions_visible_to(self.request.user)


class XapiStatementsApi(APIView):
    authentication_classes = [ContentProviderAuthentication]
    permission_classes = [IsContentProvider]

    @extend_schema(
        tags=TAGS,
        summary="Receive xAPI statements from e-learning content",
        description=(
            "The subset of xAPI 1.0.3 authoring tools send. Authenticate with HTTP Basic: the content "
            "provider's key id and secret. Send one statement or a list. Each needs an `id` (UUID): a "
            "statement sent again with the same id is answered as before and changes nothing (a different "
            "statement reusing an id gets 409). `completed` (unless `result.success` is false) and `passed` "
            "record a completion, which raises skills evidence for the course's skills pending the "
            "learner's manager; `failed` is stored only. An unknown learner or a malformed statement gets "
            "400 naming the field (e.g. `actor.mbox`, `object.id`, `result.score.scaled`)."
        ),
        request=XapiStatementSerializer,
        responses={
            200: OpenApiResponse(response={"type": "array", "items": {"type": "string", "format": "uuid"}},
                                 description="The ids of the statements, in the order sent"),
            400: OpenApiResponse(description="{field: [message]} naming what is wrong"),
            401: OpenApiResponse(description="Missing or wrong provider credentials"),
            409: OpenApiResponse(description="A different statement with this id was already received"),
        },
        examples=[OpenApiExample("Passed with a score", request_only=True, value={
            "id": "2f8b9c1e-3f4a-4d6b-9a7e-1c2d3e4f5a6b",
            "actor": {"mbox": "mailto:sam.smith@council.example"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
            "object": {"id": "https://learning.council.example/courses/cyber-basics"},
            "result": {"score": {"scaled": 0.85, "raw": 17}, "success": True},
            "timestamp": "2026-11-27T10:15:00Z",
        })],
    )
    def post(self, request):
        payload = request.data
        many = isinstance(payload, list)
        statements = payload if many else [payload]
        if not statements:
            raise DomainError("Send at least one statement.", field="statement")
        ids = []
        # A batch is all or nothing, so a provider can simply resend it after fixing the bad one.
        with transaction.atomic():
            ids = self._record_all(request.auth, statements, many)
            lrs_link.statements_copy_to_lrs(request.auth, statements)
        return Response(ids, status=status.HTTP_200_OK, headers={"X-Experience-API-Version": "1.0.3"})

    @staticmethod
    def _record_all(provider, statements, many: bool) -> list[str]:
        ids = []
        for n, statement in enumerate(statements):
            try:
                stored, _ = xapi.statement_record(provider=provider, payload=statement)
            except xapi.StatementError as exc:
                if many and exc.field:
                    exc.field = f"[{n}].{exc.field}"
                raise
            ids.append(str(stored.statement_id))
        return ids
