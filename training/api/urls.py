from django.urls import path

from . import elearning, views

app_name = "training_api"
urlpatterns = [
    path("courses/", views.CourseListApi.as_view(), name="courses"),
    path("courses/<slug:code>/", views.CourseDetailApi.as_view(), name="course"),
    path("courses/<slug:code>/packages/", elearning.PackageListApi.as_view(), name="packages"),
    path("elearning/attempts/", elearning.AttemptListApi.as_view(), name="elearning-attempts"),
    path("elearning/attempts/<id:pk>/", elearning.AttemptDetailApi.as_view(), name="elearning-attempt"),
    path("sessions/", views.SessionListApi.as_view(), name="sessions"),
    path("sessions/<id:pk>/", views.SessionDetailApi.as_view(), name="session"),
    path("bookings/", views.BookingListApi.as_view(), name="bookings"),
    path("bookings/<id:pk>/cancel/", views.BookingCancelApi.as_view(), name="booking-cancel"),
    path("assignments/", views.AssignmentListApi.as_view(), name="assignments"),
    path("completions/", views.CompletionListApi.as_view(), name="completions"),
    path("xapi/statements", views.XapiStatementsApi.as_view(), name="xapi-statements"),
]
