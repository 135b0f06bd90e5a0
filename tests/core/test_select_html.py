"""core.select_html: the govuk_field tag's selects are the markup Django's own select templates give,
built without a template include for each option."""

import pytest
from django import forms
from django.test.signals import template_rendered

from core.select_html import render_select
from core.templatetags.govuk import govuk_field
from people.forms import DirectorySearchForm

pytestmark = pytest.mark.django_db


class Choices(forms.Form):
    colour = forms.ChoiceField(choices=[("", "Any"), ("r", "Red & <b>rose</b>"), ("g", 'Green "leaf"')], required=False)
    size = forms.ChoiceField(choices=[("Small", [("s", "S"), ("m", "M")]), ("Large", [("l", "L")])])
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")], required=False)
    custom = forms.ChoiceField(choices=[("a", "A")], widget=forms.Select(attrs={"data-x": "y", "disabled": True}))


@pytest.mark.parametrize("data", [None, {"colour": "r", "size": "m", "many": ["1", "3"], "custom": "a"},
                                  {"colour": "nonsense", "size": ""}])
def test_each_select_is_the_markup_django_renders(data):
    form = Choices(data)
    for name in form.fields:
        field = form[name]
        attrs = {"class": "govuk-select", "aria-describedby": "x-hint"}
        assert render_select(field, attrs) == field.as_widget(attrs=attrs), name


def test_the_directory_units_list_is_the_same_and_renders_no_template_per_option(org):
    form = DirectorySearchForm({"q": "", "unit": str(org["social"].pk)})
    field = form["unit"]
    rendered = []

    def seen(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(seen)  # sent for each template rendered under the test setup
    try:
        html = govuk_field(field)["widget_html"]
    finally:
        template_rendered.disconnect(seen)
    assert html == field.as_widget(attrs={"class": "govuk-select"})
    assert f'<option value="{org["social"].pk}" selected>' in html
    assert rendered == []  # before: select.html, then select_option.html and attrs.html for each option


def test_a_widget_with_templates_of_its_own_renders_as_it_says():
    class Own(forms.Select):
        template_name = "django/forms/widgets/radio.html"

    class F(forms.Form):
        x = forms.ChoiceField(choices=[("a", "A")], widget=Own)

    assert render_select(F()["x"], {}) is None
