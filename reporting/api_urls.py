from django.urls import path

from .api.views import Metrics

app_name = "reporting_api"
urlpatterns = [
    path("metrics/", Metrics.as_view(), name="metrics"),
]
