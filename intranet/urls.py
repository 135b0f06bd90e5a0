from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import metrics, views
from .admin_site import restrict_admin
from .forms import SignInForm

restrict_admin(admin.site)

handler403 = "intranet.views.error_403"
handler404 = "intranet.views.error_404"
handler500 = "intranet.views.error_500"

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("", include("people.api.urls")),
    path("directory-sync/", include("ldap_sync.api.urls")),
    path("self-service/", include("self_service.api.urls")),
    path("skills/", include("skills_matrix.api.urls")),
    path("recruitment/", include("skills_matrix.recruitment.api.urls")),
    path("training/", include("training.api.urls")),
    path("news/", include("news.api.urls")),
    path("reporting/", include("reporting.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("people/", include("people.urls")),
    path("directory-sync/", include("ldap_sync.urls")),
    path("self-service/", include("self_service.urls")),
    path("skills/ict-test/", include("skills_matrix.recruitment.staff_urls")),
    path("skills/", include("skills_matrix.urls")),
    path("recruitment/", include("skills_matrix.recruitment.urls")),
    path("applicant/", include("skills_matrix.recruitment.applicant_urls")),
    path("training/", include("training.urls")),
    path("news/", include("news.urls")),
    path("search/", include("core.search_urls")),
    path("reporting/", include("reporting.urls")),
    path("xapi/", include("lrs.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
