from django.urls import path

from . import views

app_name = "ldap_sync"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("run-now/", views.run_now, name="run_now"),
    path("runs/<id:pk>/", views.run_detail, name="run_detail"),
    path("runs/<id:pk>/confirm/", views.run_confirm, name="run_confirm"),
]
