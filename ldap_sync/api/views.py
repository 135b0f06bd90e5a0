from rest_framework import generics

from .. import selectors
from ..permissions import IsIntranetAdmin
from .serializers import SyncRunDetailSerializer, SyncRunSerializer


class SyncRunListApi(generics.ListAPIView):
    """Directory sync runs, newest first (intranet admins only)."""

    permission_classes = [IsIntranetAdmin]
    serializer_class = SyncRunSerializer
    filterset_fields = ["source", "status", "kind"]

    def get_queryset(self):
        return selectors.sync_runs_visible_to(self.request.user).defer(
            "errors", "changes", "held_deactivations", "held_rematches")


class SyncRunDetailApi(generics.RetrieveAPIView):
    """One run with its per-entry errors and the changes it made (intranet admins only)."""

    permission_classes = [IsIntranetAdmin]
    serializer_class = SyncRunDetailSerializer

    def get_queryset(self):
        return selectors.sync_runs_visible_to(self.request.user)
