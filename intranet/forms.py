"""The sign-in form: Django's, plus one sentence when the directory could not check the password
(so nobody is told their right password is wrong while the directory is down)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from ldap_sync.auth import sign_in_unavailable


class SignInForm(AuthenticationForm):
    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if message := sign_in_unavailable(self.request):
                raise forms.ValidationError(message, code="directory_unavailable") from None
            raise
