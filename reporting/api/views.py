from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from people.models import OrgUnit

from .. import permissions, selectors, services
from ..periods import CHOICES, period_for


class CanViewReporting(IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and permissions.can_view_reporting(request.user)


class MetricsQuery(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1)
    period = serializers.ChoiceField(choices=[c for c, _ in CHOICES], required=False)


# The response of Metrics, for the schema only (the view builds the dict itself).
class MetricsPeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="Last day of the period (inclusive)")


class MetricsFocusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class MetricsUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)


class MetricsValueSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(allow_null=True, help_text="Null for a council-wide figure")
    unit_code = serializers.CharField(allow_null=True, help_text="Null for a council-wide figure")
    unit = serializers.CharField(help_text='Unit name, or "Council-wide"')
    value = serializers.FloatField(allow_null=True, help_text="Null when there is no data for this unit")


class MetricsFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    section = serializers.CharField()
    format = serializers.CharField(help_text="How to show the value: int, pct, per100, gbp, rating, levels or pp")
    available = serializers.BooleanField(help_text="False when the figure's source is not available yet")
    council_wide = serializers.BooleanField(help_text="One council-wide value rather than one per unit")
    values = MetricsValueSerializer(many=True, help_text="Empty when the figure is not available")


class MetricsSerializer(serializers.Serializer):
    period = MetricsPeriodSerializer()
    focus = MetricsFocusSerializer(allow_null=True)
    units = MetricsUnitSerializer(many=True)
    figures = MetricsFigureSerializer(many=True)
    as_of = serializers.DateTimeField(help_text="When these figures were worked out (they are refreshed every few "
                                                "minutes, so they may be that much behind)")


@extend_schema(tags=["reporting"], parameters=[MetricsQuery], responses={
    200: MetricsSerializer, 404: OpenApiResponse(description="No such unit, or not one you may report on")})
class Metrics(APIView):
    """Every adoption figure for a unit and its breakdown (default: the caller's top view) over a
    period. Figures whose source is not available yet have `available: false` and no values."""

    permission_classes = [CanViewReporting]

    def get(self, request):
        q = MetricsQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        try:
            scope = selectors.scope_for(request.user, q.validated_data.get("unit"))
        except selectors.OutOfScope as exc:
            raise NotFound("No such unit.") from exc
        period = period_for(q.validated_data.get("period", ""))
        units = scope.units
        figures = []
        table, as_of, _ = services.figure_table_prepared(units, period)
        for r, cells in table:
            figures.append({
                "key": r.key,
                "label": r.definition.label,
                "section": r.definition.section,
                "format": r.definition.fmt,
                "available": r.available,
                "council_wide": r.definition.council_only,
                "values": [
                    {"unit_id": u.pk if u else None, "unit_code": u.code if u else None,
                     "unit": u.name if u else "Council-wide", "value": v}
                    for u, v in cells
                ],
            })
        return Response({
            "period": {"key": period.key, "label": period.label, "start": period.start, "end": period.end},
            "focus": {"id": scope.focus.pk, "code": scope.focus.code, "name": scope.focus.name} if scope.focus else None,
            "units": [{"id": u.pk, "code": u.code, "name": u.name, "kind": u.kind} for u in units],
            "figures": figures,
            "as_of": as_of,
        })
