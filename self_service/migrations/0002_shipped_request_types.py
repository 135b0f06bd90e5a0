from django.db import migrations


def forwards(apps, schema_editor):
    from self_service.shipped_types import SHIPPED_TYPES

    RequestType = apps.get_model("self_service", "RequestType")
    # SHIPPED_TYPES is today's list: keep only the fields the model had at this migration (later
    # migrations set the fields added since).
    known = {f.name for f in RequestType._meta.get_fields()}
    for spec in SHIPPED_TYPES:
        RequestType.objects.update_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code" and k in known})


class Migration(migrations.Migration):
    dependencies = [("self_service", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
