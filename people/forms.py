from django import forms
from django.db.models import Q

from . import ownership
from .models import Employee, OrgUnit
from .services import SELF_EDITABLE_FIELDS


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Name, job title or team", required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label="Part of the council", required=False, queryset=OrgUnit.objects.none(), empty_label="Anywhere"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(
            is_active=True, kind__in=[OrgUnit.Kind.PORTFOLIO, OrgUnit.Kind.DEPARTMENT]
        ).order_by("tree_id", "lft")
        self.fields["unit"].label_from_instance = lambda u: ("— " * max(u.level - 1, 0)) + u.name


class MyDetailsForm(forms.ModelForm):
    photo = forms.ImageField(
        label="Profile photo", required=False,
        help_text="A JPG or PNG under 5 MB. We resize it to 400 pixels. Leave empty to keep your current photo.",
        error_messages={
            "invalid_image": "The selected file must be a JPG, PNG, GIF or WebP photo",
            "invalid_extension": "The selected file must be a JPG, PNG, GIF or WebP photo",
            "empty": "The selected file is empty",
        },
    )

    class Meta:
        model = Employee
        fields = list(SELF_EDITABLE_FIELDS)
        labels = {
            "preferred_name": "Preferred first name",
            "work_phone": "Work phone",
            "mobile_phone": "Work mobile",
            "location": "Usual work location",
            "work_style": "How you work",
        }
        help_texts = {
            "preferred_name": "The name colleagues know you by, if different from your legal first name.",
            "location": "For example, Civic Centre, 2nd floor.",
        }
        widgets = {"work_style": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Fields the directory owns for this person are shown on the page as read-only, not edited.
        for name in ownership.directory_owned(self.instance):
            self.fields.pop(name, None)

    def directory_fields(self) -> list[tuple[str, str, str]]:
        """(label, current value, how to change it) for each directory-owned field."""
        owned = ownership.directory_owned(self.instance)
        labels = {**self.Meta.labels, "org_unit": "Team", "employee_number": "Employee number"}
        out = []
        for name, how in owned.items():
            field = Employee._meta.get_field(name)
            value = getattr(self.instance, name)
            out.append((labels.get(name, str(field.verbose_name).capitalize()), str(value) if value else "Not recorded",
                        how))
        return out


class OrgUnitSearchForm(forms.Form):
    q = forms.CharField(label="Unit name or code", required=False, max_length=100)


def _indented(unit: OrgUnit) -> str:
    return ("— " * unit.level) + f"{unit.name} ({unit.get_kind_display().split(' (')[0].lower()})"


class OrgUnitForm(forms.Form):
    """Edit a unit. The head is a list of the people within the unit when there are few enough to
    choose from; in a big unit a list of thousands helps nobody, so HR types the employee number."""

    HEAD_LIST_LIMIT = 150

    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind of unit", choices=OrgUnit.Kind.choices)
    parent = forms.ModelChoiceField(
        label="Sits within", queryset=OrgUnit.objects.none(), empty_label=None,
        help_text="Everything within this unit moves with it.",
        error_messages={"invalid_choice": "Select a unit from the list. A unit cannot sit within itself."},
    )

    def __init__(self, *args, unit: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["name"].initial = unit.name
        self.fields["kind"].initial = unit.kind
        if unit.parent_id is None:
            # The top of the tree stays where it is and stays the council.
            del self.fields["parent"]
            del self.fields["kind"]
        else:
            # Teams hold nothing, and a unit cannot move inside itself, so neither is offered (the
            # current parent always is, so saving a rename never fails on old directory data).
            self.fields["parent"].queryset = (
                OrgUnit.objects.filter(
                    (Q(is_active=True) & ~Q(kind=OrgUnit.Kind.TEAM)) | Q(pk=unit.parent_id)
                )
                .exclude(tree_id=unit.tree_id, lft__gte=unit.lft, rght__lte=unit.rght)
                .order_by("tree_id", "lft")
            )
            self.fields["parent"].label_from_instance = _indented
            self.fields["parent"].initial = unit.parent_id
        within = Employee.objects.filter(
            is_active=True, org_unit__tree_id=unit.tree_id, org_unit__lft__gte=unit.lft, org_unit__rght__lte=unit.rght
        )
        if within.count() <= self.HEAD_LIST_LIMIT:
            choices = within
            if unit.head_id:
                choices = choices | Employee.objects.filter(pk=unit.head_id)
            self.fields["head"] = forms.ModelChoiceField(
                label="Head of the unit", required=False, queryset=choices.distinct().order_by("last_name", "first_name"),
                empty_label="Nobody", help_text="Someone who works within this unit.",
            )
            self.fields["head"].label_from_instance = lambda e: f"{e.display_name}, {e.job_title}" if e.job_title else e.display_name
            self.fields["head"].initial = unit.head_id
            self.head_by_number = False
        else:
            self.fields["head"] = forms.CharField(
                label="Head's employee number", required=False, max_length=32,
                help_text="Leave empty if the unit has no head.",
                initial=unit.head.employee_number if unit.head_id and unit.head else "",
            )
            self.head_by_number = True

    def clean_head(self):
        value = self.cleaned_data.get("head")
        if not self.head_by_number:
            return value
        value = (value or "").strip()
        if not value:
            return None
        head = Employee.objects.filter(employee_number__iexact=value, is_active=True).first()
        if head is None:
            raise forms.ValidationError("Enter the employee number of someone who works here, for example E000123.")
        return head
