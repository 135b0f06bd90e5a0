import io
import random

import pytest

from ldap_sync.demo import seed_directory
from ldap_sync.models import SyncRun
from people.models import Employee, OrgUnit

pytestmark = pytest.mark.django_db


def test_demo_export_syncs_back_linking_everyone_and_showing_a_new_unit_and_a_bad_entry(people, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    before = Employee.objects.count()
    out = io.StringIO()

    seed_directory(rng=random.Random(1), staff_count=before, stdout=out)

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.APPLIED and run.counts["created"] == 1
    assert not Employee.objects.filter(directory_id__isnull=True).exists()  # every seeded person linked
    assert Employee.objects.count() == before + 1
    assert people["alice"].org_unit == Employee.objects.get(pk=people["alice"].pk).org_unit  # nobody moved
    assert OrgUnit.objects.get(name="Climate Emergency Unit").parent.kind == OrgUnit.Kind.HOLDING
    assert "not a phone number" in run.errors[0]["reason"]
    assert {"create", "unit"} <= {c["action"] for c in run.changes}
    assert "synced back" in out.getvalue()
