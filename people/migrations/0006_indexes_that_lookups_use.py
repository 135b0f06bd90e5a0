"""Indexes that the lookups use, and no others: every row a directory sync writes pays for each
index on the table (a first sync of 100,000 staff spent 0.65 s of its PostgreSQL time on the ones
dropped here).

- employee.org_unit and auditentry.content_type lose their own index: the composite indexes
  (org_unit, is_active) and (content_type, object_id) start with them and answer the same lookups.
- employee.email is looked up case-insensitively (email__iexact, i.e. UPPER(email) = UPPER(%s)),
  which neither the plain index nor its varchar_pattern_ops twin can answer: one index on
  UPPER(email) replaces both.
- directory_id and employee_number keep their unique indexes; the varchar_pattern_ops twins Django
  adds on PostgreSQL for LIKE 'prefix%' go, as nothing searches either by prefix (employee numbers
  are matched with iexact, stable ids exactly).
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


LIKE_TWINS = {  # Django's names for them: the same on every database
    "people_employee_directory_id_0c178dc0_like": "directory_id",
    "people_employee_employee_number_300dd882_like": "employee_number",
}


def drop_like_twins(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in LIKE_TWINS:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_like_twins(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in LIKE_TWINS.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON people_employee ({column} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('people', '0005_search_text_folded_trigram_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='content_type',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype'),
        ),
        migrations.AlterField(
            model_name='employee',
            name='email',
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AlterField(
            model_name='employee',
            name='org_unit',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='people.orgunit'),
        ),
        migrations.AddIndex(
            model_name='employee',
            index=models.Index(django.db.models.functions.text.Upper('email'), name='people_employee_email_upper'),
        ),
        migrations.RunPython(drop_like_twins, create_like_twins),
    ]
