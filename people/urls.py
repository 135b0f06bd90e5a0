from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/details/", views.my_details, name="my_details"),
    path("organisation/", views.org_tree, name="org_tree"),
    path("organisation/<slug:code>/", views.org_unit, name="org_unit"),
    path("<int:pk>/", views.profile, name="profile"),
]
