from django.contrib import admin

from .models import Article, Comment, EditorScope


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "category", "publish_at", "unpublish_at", "is_pinned"]
    list_filter = ["kind", "category", "is_pinned"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["target_units"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(EditorScope)
class EditorScopeAdmin(admin.ModelAdmin):
    list_display = ["editor", "unit"]
    autocomplete_fields = []
    raw_id_fields = ["editor", "unit"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["article", "author", "created_at", "is_hidden"]
    list_filter = ["is_hidden"]
    raw_id_fields = ["article", "author", "hidden_by"]
