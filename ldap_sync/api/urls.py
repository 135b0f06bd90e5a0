from django.urls import path

from . import views

app_name = "ldap_sync_api"
urlpatterns = [
    path("runs/", views.SyncRunListApi.as_view(), name="runs"),
    path("runs/<id:pk>/", views.SyncRunDetailApi.as_view(), name="run-detail"),
]
