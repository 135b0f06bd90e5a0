from django import forms
from django.db import models
from django.utils import timezone

from core.ids import IdModelMultipleChoiceField
from people.models import Employee, OrgUnit
from skills_matrix import selectors as skills_selectors

from .models import Course, HelpLog


def _skills():
    return skills_selectors.skills_taking_evidence()


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label="Search courses", required=False, max_length=100)
    kind = forms.ChoiceField(label="Type of course", required=False,
                             choices=[("", "Any type"), *Course.Kind.choices])
    skill = forms.ModelChoiceField(label="Skill it develops", required=False, queryset=_skills().none(),
                                   empty_label="Any skill")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = _skills()


class CourseForm(forms.ModelForm):
    launch_url = forms.URLField(label="Launch link", required=False, assume_scheme="https",
                                help_text="Where an e-learning module starts.")
    activity_iri = forms.URLField(label="xAPI activity IRI", required=False, assume_scheme="https", max_length=500,
                                  help_text="The object id the e-learning package sends in its statements.")
    skill_levels = forms.CharField(
        label="Skills it develops", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: skill code, a space, and the level 1 to 4. For example: email-safety 2",
    )

    class Meta:
        model = Course
        fields = ["code", "title", "kind", "summary", "description", "launch_url", "duration_minutes", "audience",
                  "prerequisites", "requires_approval", "cancellation_cutoff_hours", "pass_mark",
                  "quiz_question_count", "quiz_max_attempts", "quiz_cooldown_minutes",
                  "activity_iri", "content_provider", "is_active"]
        labels = {"content_provider": "E-learning provider reporting completions"}
        widgets = {"kind": forms.RadioSelect, "prerequisites": forms.CheckboxSelectMultiple,
                   "description": forms.Textarea(attrs={"rows": 5})}

    QUIZ_FIELDS = ("quiz_question_count", "quiz_max_attempts", "quiz_cooldown_minutes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.QUIZ_FIELDS:  # left blank: the course keeps its setting (the default when new)
            self.fields[name].required = False
        if self.instance.pk:
            self.fields["prerequisites"].queryset = Course.objects.exclude(pk=self.instance.pk)
            self.initial.setdefault("skill_levels", "\n".join(
                f"{link.skill.code} {link.level}" for link in self.instance.skill_links.select_related("skill")
            ))

    def clean_skill_levels(self):
        pairs = []
        raw = self.cleaned_data.get("skill_levels") or ""
        lines = [line.split() for line in raw.splitlines() if line.strip()]
        skills = skills_selectors.skills_by_code(p[0] for p in lines)
        for n, parts in enumerate(lines, 1):
            if len(parts) != 2 or parts[0] not in skills or parts[1] not in {"1", "2", "3", "4"}:
                raise forms.ValidationError(
                    f"Line {n}: give a known skill code and a level from 1 to 4, like “email-safety 2”."
                )
            pairs.append((skills[parts[0]], int(parts[1])))
        return pairs

    def clean_activity_iri(self):
        return self.cleaned_data.get("activity_iri") or None  # blank is "none", not a duplicate ""

    def clean(self):
        data = super().clean()
        for name in self.QUIZ_FIELDS:
            if data.get(name) is None:
                data[name] = getattr(self.instance, name)
        if bool(data.get("activity_iri")) != bool(data.get("content_provider")):
            self.add_error("activity_iri", "Give both the activity IRI and its provider, or neither.")
        if data.get("kind") == Course.Kind.ELEARNING and not data.get("launch_url"):
            self.add_error("launch_url", "Give the link where the e-learning module starts.")
        return data


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label="Starts", help_text="For example, 2026-12-03 10:00",
                                    input_formats=["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
    ends_at = forms.DateTimeField(label="Ends", help_text="For example, 2026-12-03 12:30",
                                  input_formats=["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
    venue = forms.CharField(label="Venue", required=False, max_length=200)
    online_url = forms.URLField(label="Online joining link", required=False, assume_scheme="https")
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=1000)
    host = forms.ModelChoiceField(label="Host", required=False, queryset=Employee.objects.none(),
                                  help_text="The trainer or champion, who takes the register.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Employee.objects.filter(is_active=True)

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value <= timezone.now():
            raise forms.ValidationError("The session must start in the future.")
        return value


class AssignForm(forms.Form):
    course = forms.ModelChoiceField(label="Course", queryset=Course.objects.filter(is_active=True))
    people = IdModelMultipleChoiceField(
        label="People", required=False, queryset=Employee.objects.none(), widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ModelChoiceField(label="Or everyone in a team", required=False, queryset=OrgUnit.objects.none(),
                                  empty_label="No team")
    due_on = forms.DateField(label="Due by", help_text="For example, 2027-01-31",
                             input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def __init__(self, *args, people_qs, teams_qs, by_number: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_qs
        if by_number:
            # HR and learning staff assign across the council: a tick-list of everyone would be unusable.
            self.fields["people"] = forms.CharField(
                label="People", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Usernames or employee numbers, one per line.",
            )
        else:
            self.fields["people"].queryset = people_qs
        self.order_fields(["course", "people", "team", "due_on"])

    def clean_people(self):
        value = self.cleaned_data["people"]
        if not isinstance(value, str):
            return list(value)
        keys = [line.strip() for line in value.splitlines() if line.strip()]
        found = list(Employee.objects.filter(is_active=True).filter(
            models.Q(user__username__in=keys) | models.Q(employee_number__in=keys)).select_related("user"))
        known = {e.employee_number for e in found} | {e.user.username for e in found if e.user}
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise forms.ValidationError(f"Nobody working here matches: {', '.join(unknown[:10])}.")
        return found

    def clean(self):
        data = super().clean()
        if not data.get("people") and not data.get("team") and "people" not in self.errors:
            self.add_error("people", "Choose people or a team.")
        return data


class HelpRequestForm(forms.Form):
    topic = forms.CharField(label="What do you need help with?", max_length=200,
                            help_text="For example, setting up two-step sign-in on my phone.")
    skill = forms.ModelChoiceField(label="Skill (optional)", required=False, queryset=_skills().none(),
                                   empty_label="Not sure")
    details = forms.CharField(label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = _skills()


class HelpLogForm(forms.Form):
    topic = forms.CharField(label="Topic", max_length=200)
    skill = forms.ModelChoiceField(label="Skill (optional)", required=False, queryset=_skills().none(),
                                   empty_label="None")
    minutes = forms.IntegerField(label="Minutes spent", min_value=1, max_value=600)
    channel = forms.ChoiceField(label="How you helped", choices=HelpLog.Channel.choices, widget=forms.RadioSelect)
    given_on = forms.DateField(label="Date", required=False, help_text="Leave empty for today. For example, 2026-11-27",
                               input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = _skills()


class ChampionProfileForm(forms.Form):
    skills = IdModelMultipleChoiceField(label="Skills you can help with", required=False,
                                  queryset=_skills().none(), widget=forms.CheckboxSelectMultiple)
    availability = forms.CharField(label="When you are available", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = _skills()



class ChampionAppointForm(forms.Form):
    person = forms.CharField(label="Username or employee number", max_length=150)
    unit = forms.ModelChoiceField(label="Area they cover", queryset=OrgUnit.objects.none(),
                                  help_text="Usually their department. They also cover the teams beneath it.")
    availability = forms.CharField(label="When they are available", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(is_active=True).exclude(
            kind=OrgUnit.Kind.TEAM).order_by("tree_id", "lft")
        self.fields["unit"].label_from_instance = lambda u: ("— " * max(u.level - 1, 0)) + u.name

    def clean_person(self):
        value = self.cleaned_data["person"].strip()
        match = Employee.objects.filter(is_active=True).filter(
            models.Q(user__username=value) | models.Q(employee_number=value)).first()
        if match is None:
            raise forms.ValidationError("Nobody working here has this username or employee number.")
        return match


class AutoAssignmentRuleForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, help_text="For example, Close skills gaps in Adults.")
    unit = forms.ModelChoiceField(label="Who it covers", required=False, queryset=OrgUnit.objects.none(),
                                  empty_label="All staff")
    due_in_days = forms.IntegerField(label="Days to complete", min_value=1, max_value=730, initial=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(is_active=True).exclude(
            kind=OrgUnit.Kind.TEAM).order_by("tree_id", "lft")
        self.fields["unit"].label_from_instance = lambda u: ("— " * max(u.level - 1, 0)) + u.name
