from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import OrgUnit
from ..paging import DirectoryApiPagination
from .serializers import (
    DirectoryEntrySerializer,
    EmployeeRecordSerializer,
    MyDetailsInputSerializer,
    OrgUnitSerializer,
)


@extend_schema(tags=["people"])
class DirectoryListApi(generics.ListAPIView):
    """The staff directory: active staff, searchable by name, job title or team."""

    permission_classes = [IsAuthenticated]
    serializer_class = DirectoryEntrySerializer
    pagination_class = DirectoryApiPagination

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="Name, job title or team"),
        OpenApiParameter("unit", str, description="Org unit code: that unit and everything beneath it"),
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unit = None
        if code := self.request.query_params.get("unit"):
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                raise ValidationError({"unit": [f"There is no part of the council with the code “{code}”."]})
        return selectors.directory_search(query=self.request.query_params.get("q", ""), unit=unit)


@extend_schema(tags=["people"])
class DirectoryDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = DirectoryEntrySerializer

    def get_queryset(self):
        return selectors.directory_queryset()


@extend_schema(tags=["people"])
class EmployeeRecordListApi(generics.ListAPIView):
    """Full records the caller may see: their own, their reports' (direct and indirect); HR sees all."""

    permission_classes = [IsAuthenticated]
    serializer_class = EmployeeRecordSerializer

    def get_queryset(self):
        return selectors.employee_records_visible_to(self.request.user).select_related("org_unit")


@extend_schema(tags=["people"])
class EmployeeRecordDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EmployeeRecordSerializer

    def get_queryset(self):
        return selectors.employee_records_visible_to(self.request.user).select_related("org_unit")


@extend_schema(tags=["people"])
class MyDetailsApi(APIView):
    """Read and change your own record. PATCH accepts only the self-editable fields."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="My employee record",
        responses={200: EmployeeRecordSerializer, 404: OpenApiResponse(description="No employee record for this account")},
    )
    def get(self, request):
        me = selectors.employee_for(request.user)
        if me is None:
            return Response({"detail": "Your account is not linked to an employee record."}, status=404)
        return Response(EmployeeRecordSerializer(me).data)

    @extend_schema(
        summary="Change my own details",
        description=(
            "Only preferred_name, work_phone, mobile_phone, location and work_style. Any other field is "
            "rejected with a 400 naming it, and nothing is written. Every change is audited."
        ),
        request=MyDetailsInputSerializer,
        responses={
            200: EmployeeRecordSerializer,
            400: OpenApiResponse(description="A field is invalid or may not be changed by the employee"),
            404: OpenApiResponse(description="No employee record for this account"),
        },
    )
    def patch(self, request):
        me = selectors.employee_for(request.user)
        if me is None:
            return Response({"detail": "Your account is not linked to an employee record."}, status=404)
        serializer = MyDetailsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        employee = services.employee_update_own_details(
            user=request.user, employee=me, data=serializer.validated_data, channel="api"
        )
        return Response(EmployeeRecordSerializer(employee).data)


@extend_schema(tags=["people"])
class OrgUnitListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrgUnitSerializer
    pagination_class = None

    def get_queryset(self):
        return OrgUnit.objects.filter(is_active=True).select_related("parent").order_by("tree_id", "lft")
