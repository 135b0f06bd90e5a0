from django import forms

from people.models import Employee, OrgUnit

from .models import Level, RoleProfile, Skill


class MatrixFilterForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False, label="Team, department or portfolio",
                                  empty_label="Everyone you can see")
    profile = forms.ModelChoiceField(queryset=RoleProfile.objects.filter(is_active=True), required=False,
                                     label="Role profile", empty_label="Any role profile")
    work_style = forms.ChoiceField(choices=[("", "Any work style"), *Employee.WorkStyle.choices], required=False,
                                   label="Work style")
    area = forms.ModelChoiceField(queryset=Skill.objects.filter(kind=Skill.Kind.AREA, is_active=True).order_by("tree_id"),
                                  required=False, label="Skill area", empty_label="All areas")
    view = forms.ChoiceField(choices=[("heat", "Heat map"), ("table", "Plain table")], required=False,
                             widget=forms.RadioSelect, label="Show as")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


LEVEL_CHOICES = [(v, label) for v, label in Level.choices]


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name", help_text="For example, 2027 skills analysis")
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.filter(is_active=True), required=False,
                                      label="Who it covers", empty_label="The whole council")
    opens_on = forms.DateField(label="Opens on", help_text="For example, 2027-01-04",
                               widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="Closes on", widget=forms.DateInput(attrs={"type": "date"}))
    reminder_every_days = forms.IntegerField(min_value=1, max_value=60, initial=7, label="Remind every (days)")

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "The closing date must be on or after the opening date.")
        return data


class SkillForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    code = forms.SlugField(max_length=64, label="Code", help_text="Short, stable, lower case, for example tools-excel")
    parent = forms.ModelChoiceField(queryset=Skill.objects.filter(kind=Skill.Kind.AREA).order_by("tree_id"),
                                    required=False, label="Area", empty_label="None: this is an area")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Description")
    is_active = forms.BooleanField(required=False, initial=True, label="In use",
                                   help_text="Untick to retire it. Past assessments keep it.")
    descriptor_0 = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Level 0 – None")
    descriptor_1 = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Level 1 – Foundation")
    descriptor_2 = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Level 2 – Working")
    descriptor_3 = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Level 3 – Confident")
    descriptor_4 = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Level 4 – Expert")


class AssignProfileForm(forms.Form):
    profile = forms.ModelChoiceField(queryset=RoleProfile.objects.filter(is_active=True), required=False,
                                     label="Role profile", empty_label="Default profile")
