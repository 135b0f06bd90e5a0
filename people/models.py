import unicodedata

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from mptt.models import MPTTModel, TreeForeignKey


class OrgUnit(MPTTModel):
    """A node of the council's structure: council → portfolio → department → team."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        PORTFOLIO = "portfolio", "Portfolio"
        DEPARTMENT = "department", "Department"
        TEAM = "team", "Team"
        HOLDING = "holding", "Holding (to be placed by HR)"

    code = models.SlugField(max_length=64, unique=True, help_text="Stable short code, e.g. ADULTS-OT.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = TreeForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    head = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_units"
    )
    directory_key = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="Department name or OU path in the directory."
    )
    is_active = models.BooleanField(default=True)

    class MPTTMeta:
        order_insertion_by = ["name"]

    class Meta:
        verbose_name = "organisational unit"

    def __str__(self):
        return self.name

    def portfolio(self):
        if self.kind == self.Kind.PORTFOLIO:
            return self
        return self.get_ancestors().filter(kind=self.Kind.PORTFOLIO).first()


# Letters NFKD does not take apart, written as a person without them on their keyboard would type.
_FOLD_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})
# Apostrophes of every kind are dropped, so O'Brien, O’Brien and OBrien are one name.
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼ`´"), None)


def search_fold(text: str) -> str:
    """Text as directory search compares it: lower case, accents dropped, apostrophes removed.
    Both the stored `Employee.search_text` and the words searched for go through this, so "zoe"
    finds Zoë, "sian" Siân and "obrien" or "o'brien" O’Brien, on PostgreSQL and SQLite alike."""
    if text.isascii():
        return text.lower().translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_APOSTROPHES)


phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{6,20}$", "Enter a phone number using digits, spaces and an optional leading +."
)


class Employee(models.Model):
    class WorkStyle(models.TextChoices):
        AGILE = "agile", "Agile (works from any council site or home)"
        MOBILE = "mobile", "Mobile (works mainly in the community)"
        FLEXIBLE = "flexible", "Flexible (a mix of base and home)"
        STATIC = "static", "Static (a fixed desk or site)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee", null=True, blank=True
    )
    employee_number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    directory_id = models.CharField(
        max_length=128, unique=True, null=True, blank=True, help_text="objectGUID / entryUUID: survives moves."
    )
    directory_dn = models.CharField(max_length=512, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    # Looked up case-insensitively (email__iexact: xAPI actors, applicants becoming staff), so the
    # index is on UPPER(email) (Meta.indexes), which those lookups can use and a plain one cannot.
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    grade = models.CharField(max_length=32, blank=True)
    # No index of its own: (org_unit, is_active) below starts with it and answers the same lookups.
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="members",
                                 db_index=False)
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    work_style = models.CharField(max_length=16, choices=WorkStyle.choices, default=WorkStyle.STATIC)
    location = models.CharField(max_length=200, blank=True)
    work_phone = models.CharField(max_length=32, blank=True, validators=[phone_validator])
    mobile_phone = models.CharField(max_length=32, blank=True, validators=[phone_validator])
    start_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    left_on = models.DateField(null=True, blank=True)
    is_digital_champion = models.BooleanField(default=False)
    photo = models.ImageField(upload_to="photos/", blank=True)
    photo_hash = models.CharField(max_length=64, blank=True, help_text="Of the directory photo last synced.")
    # Denormalised "first preferred last title email", folded by search_fold, for directory search on
    # any backend; on PostgreSQL a trigram (GIN) index answers its LIKE '%word%' (migration 0004).
    search_text = models.CharField(max_length=600, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["is_active", "last_name", "first_name"]),
            models.Index(fields=["org_unit", "is_active"]),
            models.Index(Upper("email"), name="people_employee_email_upper"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(line_manager=models.F("id")), name="employee_not_own_manager"),
        ]

    def __str__(self):
        return self.display_name

    # The two formulas below are the only ones: code that writes employees in bulk without save()
    # (the directory sync) calls them on column values, so a name or search row cannot drift.
    @staticmethod
    def name_from(first_name: str, last_name: str, preferred_name: str = "") -> str:
        """How a person is named everywhere: their preferred first name if they gave one."""
        return f"{preferred_name or first_name} {last_name}".strip()

    @staticmethod
    def search_text_from(
        *, first_name: str, last_name: str, preferred_name: str = "", job_title: str = "", email: str = ""
    ) -> str:
        """The denormalised `search_text` for these column values."""
        return search_fold(" ".join(p for p in [first_name, preferred_name, last_name, job_title, email] if p))

    @property
    def display_name(self) -> str:
        return self.name_from(self.first_name, self.last_name, self.preferred_name)

    def build_search_text(self) -> str:
        return self.search_text_from(
            first_name=self.first_name, last_name=self.last_name, preferred_name=self.preferred_name,
            job_title=self.job_title, email=self.email,
        )

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)


class AuditEntry(models.Model):
    """Append-only record of a state change to anything that matters (requests, assessments, employee
    records, sync runs). Written by services inside the same transaction as the change itself, so a
    change without its audit entry cannot exist."""

    class Channel(models.TextChoices):
        ONLINE = "online", "Self-service online"
        ASSISTED = "assisted", "Assisted (HR or a digital champion)"
        PAPER = "paper", "Paper form keyed in"
        DIRECTORY = "directory", "Directory sync"
        SYSTEM = "system", "System"
        API = "api", "API"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    # Indexed by (content_type, object_id) below, which starts with it.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    target_repr = models.CharField(max_length=300)
    # The employee the change concerns, so "my history" and HR search need no generic joins.
    subject = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [before, after]}')
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class SignIn(models.Model):
    """One sign-in to the intranet. `User.last_login` keeps only the latest, so it cannot say who
    used the intranet in a past period; these rows can (the "active users" figure). Recorded by
    people.signals on Django's user_logged_in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"


class PersonalDetails(models.Model):
    """What HR hold about an employee that the directory does not: home address, personal contact,
    emergency contact. The intranet owns it (people.ownership); written when HR approve the
    employee's request for a change (audited), seen by the employee and HR only."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="personal_details")
    home_address = models.TextField(blank=True)
    home_postcode = models.CharField(max_length=16, blank=True)
    personal_phone = models.CharField(max_length=32, blank=True)
    personal_email = models.EmailField(blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "personal details"

    def __str__(self):
        return f"Personal details of {self.employee}"
