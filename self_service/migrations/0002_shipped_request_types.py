from django.db import migrations


def forwards(apps, schema_editor):
    from self_service.shipped_types import SHIPPED_TYPES

    RequestType = apps.get_model("self_service", "RequestType")
    for spec in SHIPPED_TYPES:
        RequestType.objects.update_or_create(code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("self_service", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
