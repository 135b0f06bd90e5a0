from django import forms

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
