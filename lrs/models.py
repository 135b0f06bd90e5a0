"""The Learning Record Store's tables. Statements keep the statement as stored (JSONB) plus the keys
the query filters use, each indexed: GIN on the agent and activity arrays (PostgreSQL; on SQLite, for
the demo, they are JSON text lists without an index), B-tree on the rest, and (stored, seq) for
keyset paging."""

from django.db import models

from .fields import StringArrayField


class Statement(models.Model):
    seq = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(unique=True)
    stored = models.DateTimeField()
    payload = models.JSONField()
    # What was received, id included, for comparing a statement sent again with the same id.
    received = models.JSONField()
    voided = models.BooleanField(default=False)
    verb_iri = models.CharField(max_length=2048)
    # The object's IRI when it is an Activity; its id when it is a StatementRef.
    activity_iri = models.CharField(max_length=2048, blank=True)
    target_id = models.UUIDField(null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    agents = StringArrayField(models.CharField(max_length=2048), default=list)  # actor or object
    related_agents = StringArrayField(models.CharField(max_length=2048), default=list)
    related_activities = StringArrayField(models.CharField(max_length=2048), default=list)
    # Whose credentials stored it: a provider reads the statements it sent.
    client_key = models.CharField(max_length=200, db_index=True)
    attachment_hashes = StringArrayField(models.CharField(max_length=128), default=list)

    class Meta:
        indexes = [
            models.Index(fields=["stored", "seq"], name="lrs_stmt_stored_seq"),
            # each filter with the page order, so a page is an index walk that stops at the limit
            models.Index(fields=["verb_iri", "stored", "seq"], name="lrs_stmt_verb"),
            models.Index(fields=["activity_iri", "stored", "seq"], name="lrs_stmt_activity"),
            models.Index(fields=["registration", "stored", "seq"], name="lrs_stmt_registration"),
            models.Index(fields=["target_id"], name="lrs_stmt_target", condition=models.Q(target_id__isnull=False)),
            # GIN on agents, related_agents and related_activities: PostgreSQL only, so made by
            # migration 0001 (lrs_stmt_agents, lrs_stmt_related_agents, lrs_stmt_related_acts).
        ]

    def __str__(self):
        return str(self.statement_id)


class Attachment(models.Model):
    """Attachment content, once per SHA-2 (statements name it by hash)."""

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self):
        return self.sha2


class Activity(models.Model):
    """The LRS's canonical definition of an activity, merged from the statements that define it."""

    iri = models.CharField(max_length=2048, unique=True)
    definition = models.JSONField(default=dict)

    def __str__(self):
        return self.iri


class LaunchToken(models.Model):
    """A per-launch credential (cmi5 "auth-token"): acts for its issuer, as one actor in one
    registration, until it expires. The secret is random (256 bits), so a SHA-256 of it is enough."""

    key_id = models.CharField(max_length=32, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    issuer_key = models.CharField(max_length=200)
    issuer_name = models.CharField(max_length=200)
    authority = models.JSONField()
    actor = models.JSONField()
    registration = models.UUIDField()
    activity_iri = models.CharField(max_length=2048)
    expires = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key_id


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document."""

    class Kind(models.TextChoices):
        STATE = "state"
        ACTIVITY_PROFILE = "activity_profile"
        AGENT_PROFILE = "agent_profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    activity_iri = models.CharField(max_length=2048, blank=True)
    agent_key = models.CharField(max_length=40, blank=True)  # identity.agent_digest
    registration = models.CharField(max_length=36, blank=True)
    doc_id = models.CharField(max_length=2048)
    # Whose credentials wrote it: each provider key has its own document space, as it reads back
    # only its own statements (a cmi5 launch token acts in its issuer's space).
    client_key = models.CharField(max_length=200)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client_key", "kind", "activity_iri", "agent_key", "registration",
                                            "doc_id"],
                                    name="lrs_document_identity"),
        ]
        indexes = [models.Index(fields=["client_key", "kind", "activity_iri", "agent_key", "updated"],
                                name="lrs_doc_lookup_by_key")]

    def __str__(self):
        return f"{self.kind} {self.doc_id}"
