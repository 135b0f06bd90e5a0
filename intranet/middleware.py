from django.conf import settings
from django.contrib.auth.views import redirect_to_login


class LoginRequiredMiddleware:
    """Deny by default: every page needs a signed-in user unless its path is listed as public.

    Django 5.1's own LoginRequiredMiddleware works per view; a prefix list keeps the public surface
    visible in one setting (PUBLIC_URL_PREFIXES) for a security review.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.public = tuple(settings.PUBLIC_URL_PREFIXES)

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(self.public):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
