from django.urls import path

from . import views

app_name = "skills_matrix_api"
urlpatterns = [
    path("framework/", views.FrameworkApi.as_view(), name="framework"),
    path("profiles/", views.RoleProfileListApi.as_view(), name="profiles"),
    path("profiles/<id:pk>/requirements/", views.RequirementSetApi.as_view(), name="requirement_set"),
    path("assessments/", views.MyAssessmentsApi.as_view(), name="my_assessments"),
    path("assessments/<id:pk>/", views.AssessmentDetailApi.as_view(), name="assessment"),
    path("assessments/<id:pk>/levels/", views.AssessmentLevelsApi.as_view(), name="assessment_levels"),
    path("assessments/<id:pk>/submit/", views.AssessmentSubmitApi.as_view(), name="assessment_submit"),
    path("assessments/<id:pk>/validate/", views.AssessmentValidateApi.as_view(), name="assessment_validate"),
    path("matrix/", views.MatrixApi.as_view(), name="matrix"),
]
