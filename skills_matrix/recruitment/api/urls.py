from django.urls import path

from . import views

app_name = "recruitment_api"
urlpatterns = [
    path("templates/", views.TemplateListApi.as_view(), name="templates"),
    path("templates/<id:pk>/", views.TemplateDetailApi.as_view(), name="template-detail"),
    path("invitations/", views.InvitationListApi.as_view(), name="invitations"),
    path("invitations/<id:pk>/", views.InvitationDetailApi.as_view(), name="invitation-detail"),
    path("invitations/<id:pk>/revoke/", views.InvitationRevokeApi.as_view(), name="invitation-revoke"),
    path("invitations/<id:pk>/reissue/", views.InvitationReissueApi.as_view(), name="invitation-reissue"),
    path("results/", views.ResultListApi.as_view(), name="results"),
    path("results/<id:pk>/", views.ResultDetailApi.as_view(), name="result-detail"),
]
