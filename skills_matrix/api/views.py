from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.ids import parse_id
from people.models import Employee, OrgUnit
from people.selectors import employee_for, units_within

from .. import permissions, selectors, services
from ..matrix import gap_matrix
from ..models import Assessment, RoleProfile, Skill
from . import serializers as s


@extend_schema(tags=["skills"], responses=s.AreaSerializer(many=True))
class FrameworkApi(APIView):
    """The skills framework: areas, their skills and the descriptor of each level."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(s.AreaSerializer(selectors.framework_tree(), many=True).data)


class ManagesFramework(BasePermission):
    message = "Only HR can see role profiles."

    def has_permission(self, request, view):
        return permissions.can_manage_framework(request.user)


@extend_schema(tags=["skills"])
class RoleProfileListApi(generics.ListAPIView):
    """HR: role profiles with their required levels (HR-only, as the role profiles page)."""

    permission_classes = [IsAuthenticated, ManagesFramework]
    serializer_class = s.RoleProfileSerializer

    def get_queryset(self):
        return RoleProfile.objects.filter(is_active=True).prefetch_related("requirements__skill").order_by("name")


@extend_schema(tags=["skills"], request=s.RequirementInputSerializer, responses=s.RoleProfileSerializer)
class RequirementSetApi(APIView):
    """HR: set the level a role profile needs in a skill (null removes the requirement)."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk: int):
        if not permissions.can_manage_framework(request.user):
            raise PermissionDenied("Only HR can change role requirements.")
        profile = get_object_or_404(RoleProfile, pk=pk)
        data = s.RequirementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.requirement_set(actor=request.user, profile=profile, skill=data.validated_data["skill"],
                                 level=data.validated_data["level"])
        return Response(s.RoleProfileSerializer(RoleProfile.objects.prefetch_related("requirements__skill").get(pk=pk)).data)


def _assessments_qs(base=None):
    return (Assessment.objects if base is None else base).select_related("campaign", "framework_version").prefetch_related(
        "ratings"
    )


@extend_schema(tags=["skills"])
class MyAssessmentsApi(generics.ListAPIView):
    """The signed-in employee's own assessments, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        me = employee_for(self.request.user)
        return _assessments_qs().filter(employee=me) if me else Assessment.objects.none()


@extend_schema(tags=["skills"])
class AssessmentDetailApi(generics.RetrieveAPIView):
    """One assessment: the employee's own, or one of a person they manage (HR: anyone)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.AssessmentSerializer

    def get_object(self):
        return get_object_or_404(_assessments_qs(selectors.assessments_visible_to(self.request.user)), pk=self.kwargs["pk"])


@extend_schema(tags=["skills"], request=s.LevelsInputSerializer, responses=s.AssessmentSerializer)
class AssessmentLevelsApi(APIView):
    """Save self-assessed levels (some or all skills) on your own assessment in progress."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk: int):
        assessment = get_object_or_404(selectors.own_assessments(request.user), pk=pk)
        data = s.LevelsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        levels = {parse_id(k): v for k, v in data.validated_data["levels"].items()}
        if None in levels:
            raise ValidationError({"levels": ["Use skill ids as keys (whole numbers from 1 to 2**63-1)."]})
        services.assessment_save_levels(actor=request.user, assessment=assessment, levels=levels)
        return Response(s.AssessmentSerializer(_assessments_qs().get(pk=pk)).data)


@extend_schema(tags=["skills"], request=None, responses=s.AssessmentSerializer)
class AssessmentSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, pk: int):
        services.assessment_submit(actor=request.user,
                                   assessment=get_object_or_404(selectors.own_assessments(request.user), pk=pk))
        return Response(s.AssessmentSerializer(_assessments_qs().get(pk=pk)).data)


@extend_schema(tags=["skills"], request=s.ValidateInputSerializer, responses=s.AssessmentSerializer)
class AssessmentValidateApi(APIView):
    """The manager agrees, or adjusts some levels with a reason each."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk: int):
        data = s.ValidateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustments = {a["skill"]: (a["level"], a["reason"]) for a in data.validated_data["adjustments"]}
        services.assessment_validate(actor=request.user,
                                     assessment=get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk),
                                     adjustments=adjustments)
        return Response(s.AssessmentSerializer(_assessments_qs().get(pk=pk)).data)


@extend_schema(tags=["skills"], responses=s.MatrixSerializer, parameters=[
    OpenApiParameter("unit", str, description="Org unit code: that unit and everything beneath it"),
    OpenApiParameter("profile", str, description="Role profile code"),
    OpenApiParameter("work_style", str),
    OpenApiParameter("area", str, description="Skill area code"),
])
class MatrixApi(APIView):
    """The gap matrix for the people the caller may see: columns, one row per person with their
    required and current levels, and totals per skill."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        people = permissions.matrix_people_listed(request.user)
        params = request.query_params
        profile = area = None
        if code := params.get("unit"):
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                raise ValidationError({"unit": [f"There is no part of the council with the code “{code}”."]})
            people = people.filter(org_unit__in=units_within([unit]))
        if code := params.get("profile"):
            profile = RoleProfile.objects.filter(code=code).first()
            if profile is None:
                raise ValidationError({"profile": [f"There is no role profile with the code “{code}”."]})
        if style := params.get("work_style"):
            if style not in Employee.WorkStyle.values:
                raise ValidationError({"work_style": [f"Choose one of {', '.join(Employee.WorkStyle.values)}."]})
            people = people.filter(work_style=style)
        if code := params.get("area"):
            area = Skill.objects.filter(code=code, kind=Skill.Kind.AREA).first()
            if area is None:
                raise ValidationError({"area": [f"There is no skill area with the code “{code}”."]})
        m = gap_matrix(people, profile=profile, area=area)
        return Response({
            "columns": [{"skill": c.skill_id, "code": c.code, "name": c.name, "area": c.area_name} for c in m.columns],
            "rows": [{
                "employee": r.employee_id, "name": r.name, "unit": r.unit_name, "role_profile": r.profile_name,
                "skills_below": r.gaps, "levels_short": r.total_shortfall,
                "levels": {str(sid): {"required": req, "current": r.current_level(sid), "pending": r.pending.get(sid)}
                           for sid, req in r.required.items()},
            } for r in m.rows],
            "skill_totals": [{"skill": t.column.skill_id, "people_required": t.people_required,
                              "people_below": t.people_short, "levels_short": t.total_shortfall} for t in m.skill_totals],
        })
