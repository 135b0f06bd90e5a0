"""A select's options come from one ordinary query, not a server-side cursor (core/forms.py)."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import OrgUnit
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.order_by("name"), empty_label="Any unit")
    units = forms.ModelMultipleChoiceField(queryset=OrgUnit.objects.order_by("name"), required=False)


def test_select_options_are_read_in_one_plain_query_each():
    for name in ("Planning", "Housing", "Libraries"):
        OrgUnitFactory(name=name)
    form = UnitForm()
    with CaptureQueriesContext(connection) as q:
        single, multiple = str(form["unit"]), str(form["units"])
    assert len(q.captured_queries) == 2  # one per select
    assert not any("DECLARE" in c["sql"] or "FETCH" in c["sql"] for c in q.captured_queries)
    for html in (single, multiple):
        assert [p.split(">")[1].split("<")[0] for p in html.split("<option")[1:] if "value=\"\"" not in p] == [
            "Housing", "Libraries", "Planning"]
    assert '<option value="" selected>Any unit</option>' in single


def test_a_chosen_option_is_still_valid_and_shown_selected():
    unit = OrgUnitFactory(name="Planning")
    form = UnitForm({"unit": str(unit.pk), "units": [str(unit.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == unit
    assert f'<option value="{unit.pk}" selected>Planning</option>' in str(form["unit"])
