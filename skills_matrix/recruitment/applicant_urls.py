"""Applicant pages under /applicant/ (a public prefix: the link is the only credential)."""

from django.urls import path

from . import applicant_views as views

app_name = "recruitment_applicant"
urlpatterns = [
    path("test/<str:token>/", views.start, name="start"),
    path("test/<str:token>/question/<int:position>/", views.question, name="question"),
    path("test/<str:token>/check/", views.check, name="check"),
    path("test/<str:token>/finished/", views.done, name="done"),
]
