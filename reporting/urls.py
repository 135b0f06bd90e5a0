from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="csv"),
    path("report.pdf", views.export_pdf, name="pdf"),
    path("refresh/", views.refresh, name="refresh"),
]
