"""HR pages under /recruitment/."""

from django.urls import path, re_path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.index, name="index"),
    path("invite/", views.invite, name="invite"),
    path("applicants/<int:pk>/", views.applicant, name="applicant"),
    path("applicants/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("applicants/<int:pk>/reissue/", views.reissue, name="reissue"),
    path("applicants/<int:pk>/adjustments/", views.adjustments, name="adjustments"),
    path("applicants/<int:pk>/hired/", views.hired, name="hired"),
    path("applicants/<int:pk>/erase/", views.erase, name="erase"),
    re_path(r"^applicants/(?P<pk>[0-9]+)/export\.(?P<fmt>json|csv)$", views.export, name="export"),
    path("applicants/<int:pk>/result.pdf", views.result_pdf, name="result-pdf"),
    path("vacancies/<str:reference>/", views.vacancy, name="vacancy"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_form, name="template-new"),
    path("templates/<int:pk>/edit/", views.template_form, name="template-edit"),
    path("templates/<int:pk>/retire/", views.template_active, {"active": False}, name="template-retire"),
    path("templates/<int:pk>/restore/", views.template_active, {"active": True}, name="template-restore"),
    path("questions/", views.questions, name="questions"),
    path("questions/new/", views.question_form, name="question-new"),
    path("questions/<int:pk>/edit/", views.question_form, name="question-edit"),
    path("questions/<int:pk>/retire/", views.question_active, {"active": False}, name="question-retire"),
    path("questions/<int:pk>/restore/", views.question_active, {"active": True}, name="question-restore"),
    path("statistics/", views.statistics, name="statistics"),
]
