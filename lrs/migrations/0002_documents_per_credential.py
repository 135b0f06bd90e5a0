from django.db import migrations, models


class Migration(migrations.Migration):
    """Documents get the key that wrote them, so each provider has its own document space. Rows
    written before have no known writer: they are given an empty key, which no credential has."""

    dependencies = [("lrs", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="document", name="lrs_document_identity"),
        migrations.RemoveIndex(model_name="document", name="lrs_doc_lookup"),
        migrations.AddField(model_name="document", name="client_key",
                            field=models.CharField(default="", max_length=200), preserve_default=False),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                fields=("client_key", "kind", "activity_iri", "agent_key", "registration", "doc_id"),
                name="lrs_document_identity"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["client_key", "kind", "activity_iri", "agent_key", "updated"],
                               name="lrs_doc_lookup_by_key"),
        ),
    ]
