"""Self-assessment, manager validation, campaigns and framework versioning."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from core.errors import DomainError, IllegalTransition
from people.models import AuditEntry
from skills_matrix import selectors, services
from skills_matrix.models import Assessment, Rating, Skill

from .factories import assign, make_area, make_campaign, make_profile, make_skill, only_test_skills_active


@pytest.fixture
def framework(db):
    area = make_area("Office tools")
    word, excel = make_skill(area, "Word"), make_skill(area, "Excel")
    only_test_skills_active(area)
    return {"area": area, "word": word, "excel": excel}


@pytest.fixture
def campaign(org):
    return make_campaign()


def _fill_and_submit(user, employee, campaign, levels):
    a = services.assessment_start(actor=user, employee=employee, campaign=campaign)
    services.assessment_save_levels(actor=user, assessment=a, levels={s.pk: lv for s, lv in levels.items()})
    return services.assessment_submit(actor=user, assessment=a)


def test_self_assessment_then_validation_sets_current_levels(people, framework, campaign):
    alice, manager = people["alice"], people["manager"]
    assign(alice, make_profile({framework["word"]: 2, framework["excel"]: 3}))
    a = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 3, framework["excel"]: 3})
    assert a.status == Assessment.Status.SUBMITTED
    services.assessment_validate(
        actor=manager.user, assessment=a, adjustments={framework["excel"].pk: (2, "Needs help with formulas")}
    )
    a.refresh_from_db()
    assert a.status == Assessment.Status.VALIDATED and a.validated_by == manager
    excel = Rating.objects.get(assessment=a, skill=framework["excel"])
    assert (excel.self_level, excel.validated_level, excel.adjust_reason) == (3, 2, "Needs help with formulas")
    gaps = {g.skill_id: g.shortfall for g in selectors.gaps_for([alice])[alice.pk]}
    assert gaps == {framework["excel"].pk: 1}
    assert AuditEntry.objects.filter(subject=alice, action="skills.assessment_validated").exists()


def test_adjusting_a_level_needs_a_reason(people, framework, campaign):
    alice = people["alice"]
    a = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 3, framework["excel"]: 3})
    with pytest.raises(DomainError) as exc:
        services.assessment_validate(actor=people["manager"].user, assessment=a, adjustments={framework["word"].pk: (1, "")})
    assert exc.value.field == f"reason_{framework['word'].pk}"
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED  # nothing half-written


def test_latest_validated_assessment_wins_and_history_is_kept(people, framework, campaign):
    alice, manager = people["alice"], people["manager"]
    first = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 1, framework["excel"]: 1})
    services.assessment_validate(actor=manager.user, assessment=first)
    later = make_campaign("2028 skills analysis")
    second = _fill_and_submit(alice.user, alice, later, {framework["word"]: 3, framework["excel"]: 2})
    services.assessment_validate(actor=manager.user, assessment=second)
    assert selectors.current_levels([alice])[alice.pk] == {framework["word"].pk: 3, framework["excel"].pk: 2}
    assert selectors.assessments_of(alice).count() == 2
    history = selectors.skill_history(alice)[framework["word"].pk]
    assert [lv for _when, lv, _how in history] == [1, 3]
    # A rebuild from history gives the same current levels.
    services.current_skills_rebuild(employee=alice)
    assert selectors.current_levels([alice])[alice.pk] == {framework["word"].pk: 3, framework["excel"].pk: 2}


def test_framework_edit_after_an_assessment_keeps_what_was_assessed(people, framework, campaign, hr):
    alice = people["alice"]
    a = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 2, framework["excel"]: 2})
    services.assessment_validate(actor=people["manager"].user, assessment=a)
    services.skill_save(actor=hr.user, skill=framework["word"], parent=framework["area"], name="Word processing",
                        descriptors={2: "Completely new wording"})
    rating = Rating.objects.get(assessment=a, skill=framework["word"])
    assert rating.skill_name == "Word" and rating.descriptor == "Word at level 2"
    # Retiring a skill keeps it in past assessments and the current levels, but not in new ones.
    services.skill_save(actor=hr.user, skill=framework["excel"], parent=framework["area"], name="Excel", is_active=False)
    assert Rating.objects.filter(assessment=a, skill=framework["excel"]).exists()
    later = make_campaign("Next round")
    b = services.assessment_start(actor=alice.user, employee=alice, campaign=later)
    with pytest.raises(DomainError):
        services.assessment_save_levels(actor=alice.user, assessment=b, levels={framework["excel"].pk: 2})
    services.assessment_save_levels(actor=alice.user, assessment=b, levels={framework["word"].pk: 3})
    services.assessment_submit(actor=alice.user, assessment=b)  # the retired skill is not asked for
    assert a.framework_version.number < b.framework_version.number


def test_closed_campaign_rejects_submission_with_a_clear_message(people, framework, campaign):
    alice = people["alice"]
    a = services.assessment_start(actor=alice.user, employee=alice, campaign=campaign)
    services.assessment_save_levels(actor=alice.user, assessment=a, levels={framework["word"].pk: 2, framework["excel"].pk: 2})
    campaign.closes_on = datetime.date.today() - datetime.timedelta(days=1)
    campaign.opens_on = campaign.closes_on - datetime.timedelta(days=30)
    campaign.save()
    with pytest.raises(DomainError, match="closed on .* can no longer be changed or submitted"):
        services.assessment_submit(actor=alice.user, assessment=a)
    with pytest.raises(DomainError, match="closed on"):
        services.assessment_start(actor=people["bob"].user, employee=people["bob"], campaign=campaign)


def test_closed_campaign_page_shows_the_message(people, framework, login):
    closed = make_campaign("2025 round", open_=False)
    client = login(people["bob"])
    response = client.post(reverse("skills_matrix:assessment_begin", args=[closed.pk]), follow=True)
    assert "closed on" in response.content.decode()
    assert not Assessment.objects.filter(employee=people["bob"]).exists()


def test_submit_needs_every_skill_answered(people, framework, campaign):
    alice = people["alice"]
    a = services.assessment_start(actor=alice.user, employee=alice, campaign=campaign)
    services.assessment_save_levels(actor=alice.user, assessment=a, levels={framework["word"].pk: 2})
    with pytest.raises(DomainError, match="1 still to answer"):
        services.assessment_submit(actor=alice.user, assessment=a)


def test_only_the_employee_fills_in_and_only_managers_validate(people, framework, campaign):
    alice = people["alice"]
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=people["bob"].user, employee=alice, campaign=campaign)
    a = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 2, framework["excel"]: 2})
    for who in ("alice", "bob", "carol", "other_manager", "dave"):
        with pytest.raises(PermissionDenied):
            services.assessment_validate(actor=people[who].user, assessment=a)
    services.assessment_validate(actor=people["head"].user, assessment=a)  # anyone above in the chain
    with pytest.raises(IllegalTransition):
        services.assessment_validate(actor=people["manager"].user, assessment=a)


def test_campaign_for_a_unit_covers_only_that_unit(people, framework, org):
    campaign = make_campaign(org_unit=org["highways"])
    assert list(selectors.open_campaigns_for(people["dave"])) == [campaign]
    assert list(selectors.open_campaigns_for(people["alice"])) == []
    with pytest.raises(DomainError):
        services.assessment_start(actor=people["alice"].user, employee=people["alice"], campaign=campaign)


def test_reminders_go_to_people_who_have_not_submitted(people, framework, campaign, mailoutbox, django_capture_on_commit_callbacks):
    alice = people["alice"]
    _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 2, framework["excel"]: 2})
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.campaign_send_reminders(campaign_id=campaign.pk)
    recipients = {m.to[0] for m in mailoutbox}
    assert sent == len(recipients) and alice.email not in recipients and people["bob"].email in recipients
    # Not again until the reminder interval has passed.
    assert services.campaign_send_reminders(campaign_id=campaign.pk) == 0


def test_reminder_task_runs_for_open_campaigns(people, framework, campaign, mailoutbox, django_capture_on_commit_callbacks):
    from skills_matrix.tasks import send_campaign_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert send_campaign_reminders.delay().get() > 0


def test_self_assessment_pages_save_as_you_go(people, framework, campaign, login):
    alice = people["alice"]
    client = login(alice)
    response = client.post(reverse("skills_matrix:assessment_begin", args=[campaign.pk]))
    a = Assessment.objects.get(employee=alice, campaign=campaign)
    assert response.url == reverse("skills_matrix:assessment_area", args=[a.pk, 1])
    page = client.get(response.url)
    assert page.status_code == 200 and "Office tools" in page.content.decode()
    # Leaving one skill unanswered shows an error naming it, but keeps what was answered.
    response = client.post(response.url, {f"skill_{framework['word'].pk}": "2", "action": "continue"})
    assert response.status_code == 200 and "Choose a level for Excel" in response.content.decode()
    assert Rating.objects.get(assessment=a, skill=framework["word"]).self_level == 2
    response = client.post(reverse("skills_matrix:assessment_area", args=[a.pk, 1]),
                           {f"skill_{framework['word'].pk}": "2", f"skill_{framework['excel'].pk}": "1", "action": "continue"})
    assert response.url == reverse("skills_matrix:assessment_review", args=[a.pk])
    response = client.post(response.url, follow=True)
    assert "sent to your manager" in response.content.decode()
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED


def test_manager_validates_through_the_page(people, framework, campaign, login):
    alice = people["alice"]
    a = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 3, framework["excel"]: 3})
    client = login(people["manager"])
    queue = client.get(reverse("skills_matrix:validation_queue"))
    assert escape(alice.display_name) in queue.content.decode()
    url = reverse("skills_matrix:assessment_validate", args=[a.pk])
    response = client.post(url, {f"level_{framework['word'].pk}": "1", f"reason_{framework['word'].pk}": ""})
    assert response.status_code == 200 and "Give a reason" in response.content.decode()
    response = client.post(url, {f"level_{framework['word'].pk}": "1", f"reason_{framework['word'].pk}": "Not yet"})
    assert response.status_code == 302
    assert selectors.current_levels([alice])[alice.pk] == {framework["word"].pk: 1, framework["excel"].pk: 3}


def test_employee_sees_only_their_own_assessment(people, framework, campaign, login):
    alice = people["alice"]
    a = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 2, framework["excel"]: 2})
    url = reverse("skills_matrix:assessment_detail", args=[a.pk])
    # Scoped first: anyone who may not see it does not find it (404), not a fetch then a refusal.
    expected = {"alice": 200, "manager": 200, "head": 200, "hr": 200, "bob": 404, "carol": 404, "other_manager": 404, "dave": 404}
    for who, status in expected.items():
        assert login(people[who]).get(url).status_code == status, who
    person_url = reverse("skills_matrix:person", args=[alice.pk])
    assert login(people["bob"]).get(person_url).status_code == 404
    assert login(people["alice"]).get(person_url).status_code == 200
    # Another person's draft pages are not theirs to open.
    assert login(people["bob"]).get(reverse("skills_matrix:assessment_area", args=[a.pk, 1])).status_code == 404


def test_skills_framework_is_seeded_with_descriptors(db):
    areas = set(Skill.objects.filter(kind=Skill.Kind.AREA).values_list("name", flat=True))
    assert {"Foundation skills", "Communicating", "Handling information and content", "Transacting",
            "Problem solving", "Being safe and legal online", "Collaboration suite", "Productivity suite",
            "Document management", "Unified communications", "End-user devices", "Line-of-business applications"} <= areas
    for skill in Skill.objects.filter(kind=Skill.Kind.SKILL).prefetch_related("descriptors"):
        assert sorted(d.level for d in skill.descriptors.all()) == [0, 1, 2, 3, 4]


def test_answers_save_as_you_go_with_javascript(people, framework, campaign, login):
    alice = people["alice"]
    a = services.assessment_start(actor=alice.user, employee=alice, campaign=campaign)
    client = login(alice)
    response = client.post(reverse("skills_matrix:assessment_area", args=[a.pk, 1]),
                           {f"skill_{framework['excel'].pk}": "3", "action": "autosave"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "saved at" in response.content.decode()
    assert Rating.objects.get(assessment=a, skill=framework["excel"]).self_level == 3


@pytest.mark.parametrize("level", ["abc", "²"])
def test_validate_page_refuses_a_non_numeric_level_with_a_message_not_a_500(people, framework, campaign, login, level):
    alice = people["alice"]
    a = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 3, framework["excel"]: 3})
    url = reverse("skills_matrix:assessment_validate", args=[a.pk])

    response = login(people["manager"]).post(url, {f"level_{framework['word'].pk}": level,
                                                   f"reason_{framework['word'].pk}": "x"})

    assert response.status_code == 200
    a.refresh_from_db()
    assert a.status == Assessment.Status.SUBMITTED


def test_assessments_and_evidence_are_fetched_scoped_so_another_persons_record_is_a_404(
    people, framework, campaign, login, api_as
):
    """Each role x own/other's record: scoped selectors decide what exists for you (404 otherwise);
    only then may a permission refuse (403), e.g. Alice validating her own assessment."""
    alice = people["alice"]
    a = _fill_and_submit(alice.user, alice, campaign, {framework["word"]: 2, framework["excel"]: 2})
    ev = services.evidence_record(employee=alice, skill=framework["word"], level=3, source="training", source_ref="c9")
    sees = {"alice": True, "manager": True, "head": True, "director": True, "hr": True,
            "bob": False, "carol": False, "dave": False, "other_manager": False}
    validate_page = {"alice": 403, "manager": 200, "head": 200, "director": 200, "hr": 200}
    for who, visible in sees.items():
        user = people[who].user
        assert selectors.assessments_visible_to(user).filter(pk=a.pk).exists() is visible, who
        assert selectors.evidence_visible_to(user).filter(pk=ev.pk).exists() is visible, who
        assert selectors.own_assessments(user).filter(pk=a.pk).exists() is (who == "alice"), who
        client = login(people[who])
        assert client.get(reverse("skills_matrix:assessment_detail", args=[a.pk])).status_code == (
            200 if visible else 404), who
        assert client.get(reverse("skills_matrix:assessment_validate", args=[a.pk])).status_code == (
            validate_page.get(who, 404)), who
        assert client.get(reverse("skills_matrix:assessment_review", args=[a.pk])).status_code == (
            200 if who == "alice" else 404), who
        assert api_as(people[who]).get(f"/api/skills/assessments/{a.pk}/").status_code == (
            200 if visible else 404), who
        api_levels = api_as(people[who]).post(f"/api/skills/assessments/{a.pk}/levels/",
                                              {"levels": {str(framework["word"].pk): 1}}, format="json")
        # Alice finds her own (already submitted: an illegal transition, 409); nobody else finds it.
        assert api_levels.status_code == (409 if who == "alice" else 404), who
    # Seen but not yours to decide is a refusal; not seen is not found.
    assert login(alice).post(reverse("skills_matrix:evidence_decide", args=[ev.pk]), {"decision": "accept"}).status_code == 403
    assert login(people["bob"]).post(reverse("skills_matrix:evidence_decide", args=[ev.pk]), {"decision": "accept"}).status_code == 404
