from rest_framework import serializers

from ..models import SyncRun


class SyncRunSerializer(serializers.ModelSerializer):
    triggered_by = serializers.CharField(source="triggered_by.username", default=None, read_only=True)

    class Meta:
        model = SyncRun
        fields = ["id", "source", "kind", "status", "dry_run", "started_at", "finished_at", "triggered_by",
                  "counts", "message"]
        read_only_fields = fields


class SyncRunDetailSerializer(SyncRunSerializer):
    confirmed_by = serializers.CharField(source="confirmed_by.username", default=None, read_only=True)

    class Meta(SyncRunSerializer.Meta):
        fields = [*SyncRunSerializer.Meta.fields, "errors", "changes", "held_deactivations", "held_rematches", "confirmed_by",
                  "confirmed_at"]
        read_only_fields = fields
