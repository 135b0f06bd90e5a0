"""Register an e-learning content provider for xAPI and print its secret (shown only this once)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from training import services


class Command(BaseCommand):
    help = "Register an xAPI content provider; prints the key id and secret for its HTTP Basic credentials."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. 'Council learning platform'")
        parser.add_argument("--key-id", required=True, help="Short id used as the HTTP Basic username")
        parser.add_argument("--by", required=True, help="Username of the HR or learning administrator issuing it")

    def handle(self, *args, name, key_id, by, **options):
        actor = get_user_model().objects.filter(username=by).first()
        if actor is None:
            raise CommandError(f"No user called {by}.")
        provider, secret = services.content_provider_issue_key(actor=actor, name=name, key_id=key_id)
        self.stdout.write(f"Provider: {provider.name}\nKey id:   {provider.key_id}\nSecret:   {secret}\n"
                          "Store the secret in the content provider now; it cannot be shown again.")
