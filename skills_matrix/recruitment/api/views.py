"""HR API for recruitment tests. There is deliberately no API for applicants: they only have their link."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import Attempt, AttemptAreaResult
from ..permissions import IsHR
from .serializers import (
    InvitationInputSerializer,
    InvitationSerializer,
    ReissueInputSerializer,
    ResultSerializer,
    TemplateSerializer,
)


class TemplateListApi(generics.ListCreateAPIView):
    permission_classes = [IsHR]
    serializer_class = TemplateSerializer

    def get_queryset(self):
        return selectors.templates_list()

    def create(self, request, *args, **kwargs):
        s = TemplateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        template = services.template_create(
            actor=request.user, name=d["name"], role_name=d.get("role_name", ""), role_profile=d.get("role_profile"),
            time_limit_minutes=d["time_limit_minutes"], open_to_staff=d.get("open_to_staff", False),
            areas=[services.AreaSpec(**a) for a in d["areas"]],
        )
        return Response(TemplateSerializer(selectors.templates_list().get(pk=template.pk)).data,
                        status=status.HTTP_201_CREATED)


class TemplateDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsHR]
    serializer_class = TemplateSerializer

    def get_queryset(self):
        return selectors.templates_list()


class InvitationListApi(generics.ListAPIView):
    permission_classes = [IsHR]
    serializer_class = InvitationSerializer

    @extend_schema(parameters=[OpenApiParameter("vacancy", str, description="Vacancy reference")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.applicants_list(vacancy=self.request.query_params.get("vacancy", ""))

    @extend_schema(request=InvitationInputSerializer, responses={201: InvitationSerializer})
    def post(self, request):
        s = InvitationInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        invitation, link = services.invitation_create(
            actor=request.user, base_url=request.build_absolute_uri("/"), **s.validated_data
        )
        body = InvitationSerializer(selectors.applicant_detail(invitation.applicant_id)).data
        body["link"] = link  # shown once; only its hash is stored
        return Response(body, status=status.HTTP_201_CREATED)


class InvitationDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsHR]
    serializer_class = InvitationSerializer

    def get_queryset(self):
        return selectors.applicants_list()


class InvitationRevokeApi(APIView):
    permission_classes = [IsHR]

    @extend_schema(request=None, responses={200: InvitationSerializer})
    def post(self, request, pk: int):
        applicant = get_object_or_404(selectors.applicants_list(), pk=pk)
        services.invitation_revoke(actor=request.user, invitation=applicant.invitation)
        return Response(InvitationSerializer(selectors.applicant_detail(pk)).data)


class InvitationReissueApi(APIView):
    permission_classes = [IsHR]

    @extend_schema(request=ReissueInputSerializer, responses={200: InvitationSerializer})
    def post(self, request, pk: int):
        applicant = get_object_or_404(selectors.applicants_list(), pk=pk)
        s = ReissueInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        _, link = services.invitation_reissue(
            actor=request.user, invitation=applicant.invitation, base_url=request.build_absolute_uri("/"),
            expires_in_days=s.validated_data["expires_in_days"],
        )
        body = InvitationSerializer(selectors.applicant_detail(pk)).data
        body["link"] = link
        return Response(body)


def _results():
    return (
        Attempt.objects.exclude(state=Attempt.State.IN_PROGRESS)
        .filter(invitation__isnull=False, invitation__applicant__purged_at__isnull=True)
        .select_related("invitation__applicant", "template")
        .prefetch_related(Prefetch("area_results", queryset=AttemptAreaResult.objects.select_related("area")))
        .order_by("-completed_at", "-pk")
    )


class ResultListApi(generics.ListAPIView):
    permission_classes = [IsHR]
    serializer_class = ResultSerializer

    @extend_schema(parameters=[OpenApiParameter("vacancy", str, description="Vacancy reference")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = _results()
        if vacancy := self.request.query_params.get("vacancy"):
            qs = qs.filter(vacancy_reference__iexact=vacancy)
        return qs


class ResultDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsHR]
    serializer_class = ResultSerializer

    def get_queryset(self):
        return _results()


