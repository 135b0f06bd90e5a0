"""The xAPI endpoint, mounted at /xapi/ (the resources' paths are the specification's)."""

from django.urls import re_path

from .views import documents, statements

app_name = "lrs"
urlpatterns = [
    re_path(r"^statements/?$", statements.statements, name="statements"),
    re_path(r"^about/?$", statements.about, name="about"),
    re_path(r"^activities/state/?$", documents.state, name="state"),
    re_path(r"^activities/profile/?$", documents.activity_profile, name="activity-profile"),
    re_path(r"^activities/?$", documents.activities, name="activities"),
    re_path(r"^agents/profile/?$", documents.agent_profile, name="agent-profile"),
    re_path(r"^agents/?$", documents.agents, name="agents"),
]
