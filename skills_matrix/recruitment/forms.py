from django import forms

from skills_matrix.models import Level, RoleProfile, Skill

from .models import Difficulty, QuestionKind, QuestionVersion, TestTemplate
from .services import DEFAULT_LINK_DAYS

# --- the applicant's answer --------------------------------------------------------------------

class AnswerForm(forms.Form):
    """One question. Single choice and practical tasks are radios, multiple choice are checkboxes,
    ordering asks for a position per item (a select each: works without JavaScript and with a screen
    reader, unlike drag and drop)."""

    def __init__(self, *args, version: QuestionVersion, initial_answer=None, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        # Shown in the candidate's own order; each choice's value is the option's index in the
        # question, so the answer is marked by which option was chosen, never by where it stood.
        n = len(version.options)
        order = order if order and sorted(order) == list(range(n)) else list(range(n))
        choices = [(str(i), version.options[i]) for i in order]
        if version.kind == QuestionKind.SORTING:
            # A select per item: works without JavaScript and with a screen reader; with JavaScript
            # the items can also be dragged into the folders (sorting-task.js sets these selects).
            folders = [("", "Choose a folder")] + [(str(g), name) for g, name in enumerate(version.groups)]
            current = list(initial_answer or [])
            for i in order:
                text = version.options[i]
                self.fields[f"folder_{i}"] = forms.ChoiceField(
                    label=f"Folder for “{text}”", choices=folders,
                    error_messages={"required": f"Choose a folder for “{text}”."},
                    initial=str(current[i]) if i < len(current) else "",
                )
                self.fields[f"folder_{i}"].item_text = text
        elif version.kind == QuestionKind.MULTIPLE:
            self.fields["answer"] = forms.MultipleChoiceField(
                label=version.prompt, choices=choices, widget=forms.CheckboxSelectMultiple,
                help_text="Select all that apply.", error_messages={"required": "Select at least one answer."},
                initial=[str(i) for i in initial_answer or []],
            )
        elif version.kind == QuestionKind.ORDERING:
            n = len(version.options)
            positions = [("", "Choose a position")] + [(str(p), str(p)) for p in range(1, n + 1)]
            current = {opt: pos for pos, opt in enumerate(initial_answer or [], start=1)}
            for i in order:
                text = version.options[i]
                self.fields[f"position_{i}"] = forms.ChoiceField(
                    label=f"Position of “{text}”", choices=positions,
                    error_messages={"required": f"Choose a position for “{text}”."},
                    initial=str(current[i]) if i in current else "",
                )
        else:
            self.fields["answer"] = forms.ChoiceField(
                label=version.prompt, choices=choices, widget=forms.RadioSelect,
                error_messages={"required": "Select an answer."},
                initial=str(initial_answer[0]) if initial_answer else None,
            )

    def clean(self):
        data = super().clean()
        if self.version.kind != QuestionKind.ORDERING or self.errors:
            return data
        chosen = {i: int(data[f"position_{i}"]) for i in range(len(self.version.options))}
        if len(set(chosen.values())) != len(chosen):
            self.add_error("position_0", "Give each item a different position.")
        return data

    def answer(self) -> list[int]:
        if self.version.kind == QuestionKind.SORTING:
            return [int(self.cleaned_data[f"folder_{i}"]) for i in range(len(self.version.options))]
        if self.version.kind == QuestionKind.ORDERING:
            chosen = {i: int(self.cleaned_data[f"position_{i}"]) for i in range(len(self.version.options))}
            return [i for i, _ in sorted(chosen.items(), key=lambda kv: kv[1])]
        value = self.cleaned_data["answer"]
        return sorted(int(v) for v in value) if isinstance(value, list) else [int(value)]


# --- HR ---------------------------------------------------------------------------------------------

class InvitationForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=TestTemplate.objects.filter(is_active=True), label="Test",
        error_messages={"required": "Choose the test the applicant should take."},
    )
    name = forms.CharField(label="Applicant's full name", max_length=200,
                           error_messages={"required": "Enter the applicant's name."})
    email = forms.EmailField(label="Applicant's email address",
                             error_messages={"required": "Enter the applicant's email address.",
                                             "invalid": "Enter an email address like name@example.com."})
    vacancy_reference = forms.CharField(label="Vacancy reference", max_length=64, help_text="For example ICT-2026-014.",
                                        error_messages={"required": "Enter the vacancy reference."})
    expires_in_days = forms.IntegerField(label="Link lasts (days)", min_value=1, max_value=60, initial=DEFAULT_LINK_DAYS,
                                         error_messages={"min_value": "The link must last at least 1 day.",
                                                         "max_value": "The link can last at most 60 days."})
    extra_time_percent = forms.IntegerField(
        label="Extra time (per cent)", min_value=0, max_value=200, initial=0, required=False,
        help_text="Reasonable adjustment, for example 25 for 25% extra time.",
        error_messages={"max_value": "Extra time can be at most 200%%."},
    )
    large_text = forms.BooleanField(label="Show the test in larger text", required=False)

    def clean_extra_time_percent(self):
        return self.cleaned_data.get("extra_time_percent") or 0


class ReissueForm(forms.Form):
    expires_in_days = forms.IntegerField(label="New link lasts (days)", min_value=1, max_value=60,
                                         initial=DEFAULT_LINK_DAYS)


class AdjustmentsForm(forms.Form):
    extra_time_percent = forms.IntegerField(
        label="Extra time (per cent)", min_value=0, max_value=200, required=False,
        error_messages={"max_value": "Extra time can be at most 200%%.", "min_value": "Extra time cannot be negative."},
    )
    large_text = forms.BooleanField(label="Show the test in larger text", required=False)

    def clean_extra_time_percent(self):
        return self.cleaned_data.get("extra_time_percent") or 0


class HiredForm(forms.Form):
    employee_number = forms.CharField(label="Employee number (if known)", max_length=32, required=False,
                                      help_text="Used with the email address to find them in the staff directory.")


class VacancyForm(forms.Form):
    vacancy = forms.CharField(label="Vacancy reference", max_length=64, required=False)


class TemplateForm(forms.Form):
    """A template with one row of fields per framework area; an area with 0 questions is left out."""

    name = forms.CharField(label="Name of the test", max_length=200,
                           error_messages={"required": "Enter a name for the test."})
    role_profile = forms.ModelChoiceField(
        queryset=RoleProfile.objects.filter(is_active=True), required=False, label="Role profile",
        help_text="The skills-matrix role profile this test is the recruitment baseline for.",
    )
    role_name = forms.CharField(label="Role title", max_length=200, required=False,
                                help_text="For a role without a profile, or a vacancy-specific title.")
    time_limit_minutes = forms.IntegerField(label="Time limit (minutes)", min_value=1, max_value=480, initial=20,
                                            error_messages={"required": "Enter the time limit in minutes."})
    open_to_staff = forms.BooleanField(
        label="Staff may take this test to record their baseline", required=False,
        help_text="Their result becomes skills evidence for their manager to confirm.",
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        for area in self.areas:
            self.fields[f"count_{area.pk}"] = forms.IntegerField(
                label=f"{area.name}: number of questions", min_value=0, max_value=50, initial=0, required=False)
            self.fields[f"pass_{area.pk}"] = forms.IntegerField(
                label=f"{area.name}: pass mark (%)", min_value=0, max_value=100, initial=60, required=False)
            self.fields[f"level_{area.pk}"] = forms.TypedChoiceField(
                label=f"{area.name}: baseline level", choices=Level.choices, coerce=int, initial=Level.FOUNDATION,
                required=False)

    @staticmethod
    def initial_from(template) -> dict:
        initial = {
            "name": template.name, "role_profile": template.role_profile_id, "role_name": template.role_name,
            "time_limit_minutes": template.time_limit_minutes, "open_to_staff": template.open_to_staff,
        }
        for row in template.areas.all():
            initial.update({f"count_{row.area_id}": row.question_count, f"pass_{row.area_id}": row.pass_mark_percent,
                            f"level_{row.area_id}": row.baseline_level})
        return initial

    def area_rows(self):
        return [(a, self[f"count_{a.pk}"], self[f"pass_{a.pk}"], self[f"level_{a.pk}"]) for a in self.areas]

    def clean(self):
        data = super().clean()
        if not any((data.get(f"count_{a.pk}") or 0) > 0 for a in self.areas) and self.areas:
            self.add_error(f"count_{self.areas[0].pk}", "Ask at least one question in at least one area.")
        return data

    def area_specs(self):
        from .services import AreaSpec

        return [
            AreaSpec(area=a, question_count=self.cleaned_data[f"count_{a.pk}"],
                     pass_mark_percent=self.cleaned_data.get(f"pass_{a.pk}") or 0,
                     baseline_level=self.cleaned_data.get(f"level_{a.pk}") or Level.FOUNDATION)
            for a in self.areas if (self.cleaned_data.get(f"count_{a.pk}") or 0) > 0
        ]


class QuestionForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.filter(kind=Skill.Kind.SKILL, is_active=True),
                                   label="Skill", error_messages={"required": "Choose the skill this question tests."})
    kind = forms.ChoiceField(label="Type of question", choices=QuestionKind.choices)
    prompt = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Enter the question."})
    scenario = forms.CharField(label="Material for the question (optional)", required=False,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text="For a practical task: the email, the spreadsheet cells, and so on.")
    options = forms.CharField(label="Options, one per line", widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="For a sorting task: the items to sort (files, emails).",
                              error_messages={"required": "Enter at least two options."})
    groups = forms.CharField(label="Folders, one per line (sorting tasks only)", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    correct = forms.CharField(
        label="Right answer(s)", max_length=200,
        help_text="Option numbers, counting from 1, separated by commas. For ordering: the numbers in the right order. "
                  "For sorting: the right folder's number for each item, in the items' order.",
        error_messages={"required": "Enter the number of the right option."},
    )
    difficulty = forms.TypedChoiceField(label="Difficulty", choices=Difficulty.choices, coerce=int,
                                        initial=Difficulty.MEDIUM)
    explanation = forms.CharField(label="Explanation (shown to HR, not to applicants)", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def clean_options(self):
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
        if len(lines) < 2:
            raise forms.ValidationError("Enter at least two options, one per line.")
        return lines

    def clean_groups(self):
        return [line.strip() for line in self.cleaned_data["groups"].splitlines() if line.strip()]

    def clean_correct(self):
        try:
            numbers = [int(p) for p in self.cleaned_data["correct"].replace(" ", "").split(",") if p]
        except ValueError:
            raise forms.ValidationError("Enter option numbers such as 2 or 1,3.") from None
        if not numbers:
            raise forms.ValidationError("Enter the number of the right option.")
        return [n - 1 for n in numbers]

    @classmethod
    def initial_from(cls, question):
        v = question.current
        return {
            "skill": question.skill_id, "kind": v.kind, "prompt": v.prompt, "scenario": v.scenario,
            "options": "\n".join(v.options), "correct": ",".join(str(i + 1) for i in v.correct),
            "groups": "\n".join(v.groups),
            "difficulty": v.difficulty, "explanation": v.explanation,
        }
