"""HR pages under /recruitment/."""

from django.urls import path, re_path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.index, name="index"),
    path("invite/", views.invite, name="invite"),
    path("applicants/<id:pk>/", views.applicant, name="applicant"),
    path("applicants/<id:pk>/revoke/", views.revoke, name="revoke"),
    path("applicants/<id:pk>/reissue/", views.reissue, name="reissue"),
    path("applicants/<id:pk>/adjustments/", views.adjustments, name="adjustments"),
    path("applicants/<id:pk>/hired/", views.hired, name="hired"),
    path("applicants/<id:pk>/erase/", views.erase, name="erase"),
    re_path(r"^applicants/(?P<pk>[0-9]+)/export\.(?P<fmt>json|csv)$", views.export, name="export"),
    path("applicants/<id:pk>/result.pdf", views.result_pdf, name="result-pdf"),
    path("vacancies/<str:reference>/", views.vacancy, name="vacancy"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_form, name="template-new"),
    path("templates/<id:pk>/edit/", views.template_form, name="template-edit"),
    path("templates/<id:pk>/retire/", views.template_active, {"active": False}, name="template-retire"),
    path("templates/<id:pk>/restore/", views.template_active, {"active": True}, name="template-restore"),
    path("questions/", views.questions, name="questions"),
    path("questions/new/", views.question_form, name="question-new"),
    path("questions/<id:pk>/edit/", views.question_form, name="question-edit"),
    path("questions/<id:pk>/retire/", views.question_active, {"active": False}, name="question-retire"),
    path("questions/<id:pk>/restore/", views.question_active, {"active": True}, name="question-restore"),
    path("statistics/", views.statistics, name="statistics"),
]
