from django.urls import path

from . import views
from .elearning import views as elearning

app_name = "training"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("courses/new/", views.course_edit, name="course_new"),
    path("courses/<slug:code>/", views.course_detail, name="course"),
    path("courses/<slug:code>/edit/", views.course_edit, name="course_edit"),
    path("courses/<slug:code>/sessions/new/", views.session_new, name="session_new"),
    path("courses/<slug:code>/quiz/", views.quiz, name="quiz"),
    path("courses/<slug:code>/start/", views.course_start, name="course_start"),
    path("courses/<slug:code>/elearning/", elearning.packages, name="elearning_packages"),
    path("courses/<slug:code>/elearning/start/", elearning.attempt_start, name="elearning_start"),
    path("elearning/attempts/<int:pk>/", elearning.player, name="elearning_player"),
    path("elearning/attempts/<int:pk>/commit/<str:key>/", elearning.commit, name="elearning_commit"),
    path("elearning/attempts/<int:pk>/cmi5-fetch/<str:key>/", elearning.cmi5_fetch, name="elearning_cmi5_fetch"),
    # The SCO's own files: a path of their own, under the strict content CSP (elearning.views).
    path("elearning/content/<int:pk>/<path:path>", elearning.content, name="elearning_content"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/invite.ics", views.session_invite, name="session_invite"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/book/", views.session_book, name="session_book"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/attendance/", views.booking_attendance, name="booking_attendance"),
    path("bookings/<int:pk>/decide/", views.booking_decide, name="booking_decide"),
    path("approvals/", views.approvals, name="approvals"),
    path("my/", views.my_learning, name="my_learning"),
    path("my/records/", views.learning_records, name="my_records"),
    path("people/<int:pk>/records/", views.learning_records, name="learner_records"),
    path("team/", views.team, name="team"),
    path("assign/", views.assign, name="assign"),
    path("auto-assignment/", views.auto_assignment, name="auto_assignment"),
    path("assignments/<int:pk>/withdraw/", views.assignment_withdraw, name="assignment_withdraw"),
    path("certificates/<int:pk>.pdf", views.certificate, name="certificate"),
    path("champions/", views.champions, name="champions"),
    path("champions/ask/", views.ask_champion, name="ask_champion"),
    path("champions/requests/", views.help_requests, name="help_requests"),
    path("champions/requests/<int:pk>/take/", views.help_request_take, name="help_request_take"),
    path("champions/requests/<int:pk>/log/", views.help_log, name="help_log_request"),
    path("champions/log/", views.help_log, name="help_log"),
    path("champions/appoint/", views.champion_appoint, name="champion_appoint"),
    path("champions/me/", views.champion_profile_edit, name="champion_profile"),
    path("champions/<slug:code>/", views.champions_unit, name="champions_unit"),
]
