from django.core.management.base import BaseCommand

from skills_matrix.recruitment import services


class Command(BaseCommand):
    help = "Remove job applicants' personal data older than RECRUITMENT_RETENTION_DAYS (the nightly task does this too)."

    def handle(self, *args, **options):
        record = services.applicants_purge()
        count = record.applicant_count if record else 0
        self.stdout.write(f"Removed the personal data of {count} applicant(s) invited over "
                          f"{services.retention_days()} days ago.")
