from django.urls import path

from . import views

app_name = "people_api"
urlpatterns = [
    path("people/", views.DirectoryListApi.as_view(), name="directory"),
    path("people/<id:pk>/", views.DirectoryDetailApi.as_view(), name="directory-detail"),
    path("employees/", views.EmployeeRecordListApi.as_view(), name="employees"),
    path("employees/<id:pk>/", views.EmployeeRecordDetailApi.as_view(), name="employee-detail"),
    path("me/", views.MyDetailsApi.as_view(), name="me"),
    path("org-units/", views.OrgUnitListApi.as_view(), name="org-units"),
]
