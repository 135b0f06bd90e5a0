from rest_framework import serializers

from ..models import Article


class ArticleOutput(serializers.ModelSerializer):
    category = serializers.CharField(source="get_category_display")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "slug", "title", "kind", "category", "summary", "body_html", "publish_at", "is_pinned", "url"]

    def get_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("news:detail", args=[obj.slug])
