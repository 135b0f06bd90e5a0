from django.db import migrations, models

PERSONAL = ["home-address", "personal-contact", "emergency-contacts", "name-change"]


def forwards(apps, schema_editor):
    """Personal requests and bank details are for the processing team only. A personal type HR had
    chained to the line manager or head of service goes to its processing team instead."""
    RequestType = apps.get_model("self_service", "RequestType")
    for rtype in RequestType.objects.filter(models.Q(code__in=PERSONAL) | models.Q(kind="bank_details")):
        rtype.visibility = "processing_team"
        team = "payroll" if rtype.kind == "bank_details" else rtype.processing_team
        chain = rtype.approval_chain if isinstance(rtype.approval_chain, list) else []
        rtype.approval_chain = [
            {**lvl, "approver": team} if isinstance(lvl, dict) and lvl.get("approver") in (
                "line_manager", "head_of_service") or rtype.kind == "bank_details" else lvl
            for lvl in chain
        ]
        rtype.save(update_fields=["visibility", "approval_chain"])


class Migration(migrations.Migration):
    dependencies = [("self_service", "0004_attachments_private_storage")]
    operations = [
        migrations.AddField(
            model_name="requesttype",
            name="visibility",
            field=models.CharField(
                choices=[("line_management", "Also their managers (line manager, head of service, director)"),
                         ("processing_team", "Only the processing team: personal, never their managers")],
                default="line_management",
                help_text="Personal requests (home address, contacts, a change of name, bank details) are seen by the "
                          "processing team only: their approval chain cannot include the line manager or head of "
                          "service.",
                max_length=16),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
