"""`manage.py demo_logins --url URL`: where the demo is and how to sign in as each role."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from core.demo import DEMO_LOGINS

from . import _demo_council as council  # noqa: F401 - importing registers the people demo logins


class Command(BaseCommand):
    help = "Print the demo URL and a table of demo usernames, passwords and roles."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the demo is served.")

    def handle(self, *args, url: str, **options):
        existing = set(
            get_user_model()
            .objects.filter(username__in=DEMO_LOGINS, is_active=True)
            .values_list("username", flat=True)
        )
        rows = [(u, council.DEMO_PASSWORD, d) for u, d in DEMO_LOGINS.items() if u in existing]
        missing = [u for u in DEMO_LOGINS if u not in existing]
        headers = ("Username", "Password", "Role")
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(3)]

        def line(cells):
            return "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"The demo intranet is at {url}"))
        out.write("")
        out.write("Sign in as any of these demo accounts:")
        out.write("")
        out.write(line(headers))
        out.write(line(["-" * w for w in widths]))
        for row in rows:
            out.write(line(row))
        out.write("")
        if missing:
            out.write(self.style.WARNING(f"Not in this database (run seed_demo first): {', '.join(missing)}"))
        out.write(
            "Every other generated member of staff also signs in with the same password. Ctrl+C stops the server."
        )
        out.write("")
