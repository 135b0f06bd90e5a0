from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/details/", views.my_details, name="my_details"),
    path("organisation/", views.org_tree, name="org_tree"),
    # Before the unit page so that "manage" is not read as a unit code.
    path("organisation/manage/", views.org_unit_manage, name="org_unit_manage"),
    path("organisation/<slug:code>/", views.org_unit, name="org_unit"),
    path("organisation/<slug:code>/edit/", views.org_unit_edit, name="org_unit_edit"),
    path("<id:pk>/", views.profile, name="profile"),
]
