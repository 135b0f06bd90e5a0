"""An email backend for tests of the one mail path: an SMTP server refusing the first `failures`
sends, as an email provider having a bad minute (or, with a large number, a bad day) would."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakySMTP(EmailBackend):
    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
