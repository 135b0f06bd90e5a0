from django.db import migrations


def forwards(apps, schema_editor):
    """Bank details requests kept the sort code masked as ••••NNNN (four of its six digits): mask it
    as **-**-NN, its last two digits, as pages and API show it now."""
    Request = apps.get_model("self_service", "Request")
    for r in Request.objects.filter(type__kind="bank_details").only("data").iterator():
        code = str((r.data or {}).get("sort_code") or "")
        if code.startswith("••••"):
            r.data["sort_code"] = f"**-**-{code[-2:]}"
            r.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("self_service", "0005_request_type_visibility")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
