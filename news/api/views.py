from rest_framework import generics
from rest_framework.permissions import IsAuthenticated

from .. import selectors
from .serializers import ArticleOutput


class ArticleListApi(generics.ListAPIView):
    """News the caller may read, pinned first."""

    permission_classes = [IsAuthenticated]
    serializer_class = ArticleOutput

    def get_queryset(self):
        return selectors.articles_visible_to(self.request.user, category=self.request.query_params.get("category", ""))
