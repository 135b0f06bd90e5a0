from django.contrib import admin

from .models import ChannelCost, FigureSnapshot


@admin.register(ChannelCost)
class ChannelCostAdmin(admin.ModelAdmin):
    list_display = ["channel", "cost_per_contact"]


@admin.register(FigureSnapshot)
class FigureSnapshotAdmin(admin.ModelAdmin):
    list_display = ["month", "unit_name", "figure", "value"]
    list_filter = ["figure", "month"]
    search_fields = ["unit_code", "unit_name"]
