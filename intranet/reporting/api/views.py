from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions, selectors, services
from ..periods import CHOICES, period_for


class CanViewReporting(IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and permissions.can_view_reporting(request.user)


class MetricsQuery(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1)
    period = serializers.ChoiceField(choices=[c for c, _ in CHOICES], required=False)


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
        for r, cells in services.figure_table(units, period):
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
        })
