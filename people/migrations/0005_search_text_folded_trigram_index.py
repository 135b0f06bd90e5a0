"""Directory search by index: search_text is re-folded (accents and apostrophes, see
people.models.search_fold) and, on PostgreSQL, gets a trigram GIN index (pg_trgm) so that
LIKE '%word%' is answered from the index instead of by reading every employee.

On SQLite (the demo) the extension and the index are skipped and search reads the table as before."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "people_employee_search_trgm"
BATCH = 2000


def refold_search_text(apps, schema_editor):
    Employee = apps.get_model("people", "Employee")
    # The model's own formula (a pure function of the columns), so the stored text and what the
    # directory sync and save() write from now on cannot differ.
    from people.models import Employee as Current

    changed = []
    fields = ("first_name", "last_name", "preferred_name", "job_title", "email", "search_text")
    for e in Employee.objects.only(*fields).order_by("pk").iterator(chunk_size=BATCH):
        text = Current.search_text_from(first_name=e.first_name, last_name=e.last_name,
                                        preferred_name=e.preferred_name, job_title=e.job_title, email=e.email)
        if text != e.search_text:
            e.search_text = text
            changed.append(e)
        if len(changed) >= BATCH:
            Employee.objects.bulk_update(changed, ["search_text"])
            changed = []
    Employee.objects.bulk_update(changed, ["search_text"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_employee USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_personal_details")]

    operations = [
        TrigramExtension(),  # a no-op on SQLite
        migrations.RunPython(refold_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
