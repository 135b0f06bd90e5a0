"""Staff pages under /skills/ict-test/: the baseline ICT test taken under one's own sign-in."""

from django.urls import path

from . import staff_views as views

app_name = "ict_test"
urlpatterns = [
    path("", views.index, name="index"),
    path("tests/<int:template_id>/start/", views.start, name="start"),
    path("<int:pk>/question/<int:position>/", views.question, name="question"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/result/", views.result, name="result"),
]
