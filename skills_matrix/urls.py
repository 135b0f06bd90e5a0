from django.urls import path

from . import profile_rule_views, views

app_name = "skills_matrix"
urlpatterns = [
    path("", views.my_skills, name="my_skills"),
    path("campaigns/<id:campaign_id>/start/", views.assessment_begin, name="assessment_begin"),
    path("assessments/<id:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<id:pk>/area/<id:step>/", views.assessment_area, name="assessment_area"),
    path("assessments/<id:pk>/review/", views.assessment_review, name="assessment_review"),
    path("assessments/<id:pk>/validate/", views.assessment_validate, name="assessment_validate"),
    path("validate/", views.validation_queue, name="validation_queue"),
    path("evidence/<id:pk>/decide/", views.evidence_decide, name="evidence_decide"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/departments/", views.matrix_departments, name="matrix_departments"),
    path("matrix/export.csv", views.matrix_csv, name="matrix_csv"),
    path("matrix/export.xlsx", views.matrix_xlsx, name="matrix_xlsx"),
    path("matrix/export.pdf", views.matrix_pdf, name="matrix_pdf"),
    path("people/<id:pk>/", views.person, name="person"),
    path("framework/", views.framework, name="framework"),
    path("framework/new/", views.skill_edit, name="skill_new"),
    path("framework/<id:pk>/edit/", views.skill_edit, name="skill_edit"),
    path("profiles/", views.profiles, name="profiles"),
    path("profiles/<id:pk>/", views.profile_edit, name="profile_edit"),
    path("profiles/rules/", profile_rule_views.rules, name="profile_rules"),
    path("profiles/rules/apply/", profile_rule_views.rules_apply, name="profile_rules_apply"),
    path("profiles/rules/<id:pk>/retire/", profile_rule_views.rule_retire, name="profile_rule_retire"),
    path("campaigns/", views.campaigns, name="campaigns"),
]
