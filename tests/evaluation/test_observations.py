import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerkring.accounts.models import ProgrammeRole
from leerkring.evaluation.models import Observation, ObservationAnswer, ObservationTemplate
from leerkring.meetings.models import Meeting
from tests import factories
from tests.evaluation.fieldwork_helpers import held_meeting, observed_meeting

pytestmark = pytest.mark.django_db

FUTURE = "Een bijeenkomst die nog moet plaatsvinden kun je nog niet observeren."


def _builtin() -> ObservationTemplate:
    return ObservationTemplate.objects.get(programme=None, key="bijlage4")


def _question(number: str, template: ObservationTemplate | None = None):
    return (template or _builtin()).questions.get(number=number)


@pytest.fixture
def observed(world):
    return observed_meeting(world.community)


# Observing ---------------------------------------------------------------------------------


def test_the_form_comes_prefilled_beside_the_questions(client, world, observed):
    client.force_login(world.evaluator)
    response = client.get(reverse("evaluation:observation_create", args=[observed.meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wat Leerkring al weet" in html
    assert "COA (1)" in html and "Gemeente (1)" in html
    assert "Casusbespreking" in html
    assert "Verhaal van een inburgeraar" in html
    # No names and no organisations; the agenda is shown (not stored) to a let-in observer.
    assert "Anna Jansen" not in html and "Taalschool Oost" not in html
    assert "geleid door" not in html and "De procesbegeleider" not in html
    assert "Agenda van de bijeenkomst" in html and "Casus wachttijden" in html
    assert html.count('class="lk-observe"') == 15


def test_an_evaluator_saves_an_observation_with_wrapup_answers(client, world, observed):
    q1, q8 = _question("1"), _question("8")
    client.force_login(world.evaluator)
    response = client.post(
        reverse("evaluation:observation_create", args=[observed.meeting.pk]),
        {
            f"q{q1.pk}_text": "Iedereen kent elkaar, joviale sfeer.",
            f"q{q8.pk}_text": "Veel actieve inbreng bij de casus.",
            f"q{q8.pk}_wrapup": "Korte lijnen met het COA.",
            "atmosphere": "Ontspannen",
            "quotes": "\u201cHier durf ik mijn vragen te stellen.\u201d",
        },
    )
    observation = Observation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:observation_detail", args=[observation.pk])
    assert observation.observer == world.evaluator
    assert observation.template == _builtin()
    assert observation.prefill["attendance"]["present"] == 2
    answers = {a.question_id: a for a in observation.answers.all()}
    assert set(answers) == {q1.pk, q8.pk}
    assert answers[q8.pk].wrapup_answers == "Korte lijnen met het COA."
    detail = client.get(response["Location"]).content.decode()
    assert "Korte lijnen met het COA." in detail and "COA (1)" in detail
    assert "COA Winterswijk" not in detail and "Casus wachttijden" not in detail


def test_it_refuses_a_meeting_in_the_future(client, world, meeting):
    meeting.open_to_observation = True
    meeting.save()
    client.force_login(world.evaluator)
    url = reverse("evaluation:observation_create", args=[meeting.pk])
    assert FUTURE in client.get(url).content.decode()
    response = client.post(url, {"atmosphere": "Vooruitgelopen"})
    assert FUTURE in response.content.decode()
    assert not Observation.objects.exists()


def test_the_service_refuses_a_meeting_in_the_future(world, meeting):
    from django.core.exceptions import ValidationError

    from leerkring.evaluation import services

    with pytest.raises(ValidationError, match="nog moet plaatsvinden"):
        services.observation_create(meeting=meeting, template=_builtin(), by=world.evaluator)


def test_it_refuses_a_cancelled_meeting(client, world):
    meeting = held_meeting(world.community, open_to_observation=True)
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = "Te weinig aanmeldingen"
    meeting.save()
    client.force_login(world.evaluator)
    response = client.post(reverse("evaluation:observation_create", args=[meeting.pk]), {})
    assert "afgelast" in response.content.decode()
    assert not Observation.objects.exists()


def test_an_evaluator_observes_only_meetings_the_community_let_them_in(client, world):
    """Neither a form nor the agenda for a meeting the community did not open to the
    evaluation or invite this evaluator to as observer."""
    closed = observed_meeting(world.community, open_to_observation=False)
    url = reverse("evaluation:observation_create", args=[closed.meeting.pk])
    client.force_login(world.evaluator)
    assert client.get(url).status_code == 403
    assert client.post(url, {"atmosphere": "Ongevraagd"}).status_code == 403
    listing = client.get(reverse("evaluation:observation_list", args=[world.programme.slug]))
    assert reverse("evaluation:observation_create", args=[closed.meeting.pk]) not in (
        listing.content.decode()
    )
    # Invited as observer: in.
    closed.meeting.observers.add(world.evaluator.person)
    page = client.get(url)
    assert page.status_code == 200 and "Casus wachttijden" in page.content.decode()
    assert not Observation.objects.exists()


def test_the_lead_decides_who_observes(client, world):
    from leerkring.meetings.models import Meeting as MeetingModel

    meeting = held_meeting(world.community)
    url = reverse("meetings:meeting_observation", args=[meeting.pk])
    client.force_login(world.lead)
    assert client.get(url).status_code == 200
    evaluator = world.evaluator.person
    other = factories.ProgrammeRoleFactory(
        programme=world.other_programme, role=ProgrammeRole.Role.EVALUATOR
    ).person
    refused = client.post(url, {"observers": [other.pk]})
    assert refused.status_code == 200 and "Kies alleen onderzoekers" in refused.content.decode()
    assert client.post(url, {"observers": [evaluator.pk]}).status_code == 302
    meeting = MeetingModel.objects.get(pk=meeting.pk)
    assert list(meeting.observers.all()) == [evaluator] and not meeting.open_to_observation
    client.force_login(world.evaluator)
    assert client.get(url).status_code == 403


def test_it_refuses_an_evaluator_of_another_programme(client, world, observed):
    outsider = factories.ProgrammeRoleFactory(
        programme=world.other_programme, role=ProgrammeRole.Role.EVALUATOR
    ).person.user
    observation = factories.ObservationFactory(meeting=observed.meeting)
    client.force_login(outsider)
    urls = [
        reverse("evaluation:observation_create", args=[observed.meeting.pk]),
        reverse("evaluation:meeting_observations", args=[observed.meeting.pk]),
        reverse("evaluation:observation_detail", args=[observation.pk]),
        reverse("evaluation:observation_edit", args=[observation.pk]),
        reverse("evaluation:observation_list", args=[world.programme.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(urls[0], {"atmosphere": "x"}).status_code == 403
    assert Observation.objects.count() == 1


def _observation_urls(world, observation) -> list[tuple[str, str]]:
    meeting = observation.meeting
    template = ObservationTemplate.objects.create(programme=world.programme, title="Eigen")
    return [
        ("get", reverse("evaluation:observation_list", args=[world.programme.slug])),
        ("get", reverse("evaluation:observation_templates", args=[world.programme.slug])),
        (
            "post",
            reverse(
                "evaluation:observation_template_copy", args=[world.programme.slug, template.pk]
            ),
        ),
        ("get", reverse("evaluation:observation_template", args=[template.pk])),
        ("get", reverse("evaluation:observation_template", args=[_builtin().pk])),
        ("get", reverse("evaluation:meeting_observations", args=[meeting.pk])),
        ("get", reverse("evaluation:observation_create", args=[meeting.pk])),
        ("post", reverse("evaluation:observation_create", args=[meeting.pk])),
        ("get", reverse("evaluation:observation_detail", args=[observation.pk])),
        ("get", reverse("evaluation:observation_edit", args=[observation.pk])),
        ("post", reverse("evaluation:observation_edit", args=[observation.pk])),
    ]


@pytest.mark.parametrize("visitor", ["participant", "lead", "facilitator"])
def test_members_of_the_observed_community_get_403_on_every_observation_url(client, world, visitor):
    observation = factories.ObservationFactory(meeting__community=world.community)
    client.force_login(getattr(world, visitor))
    for method, url in _observation_urls(world, observation):
        response = getattr(client, method)(url, {"atmosphere": "Binnengedrongen"})
        assert response.status_code == 403, (method, url)
    assert Observation.objects.count() == 1
    assert not Observation.objects.filter(atmosphere="Binnengedrongen").exists()


def test_the_meeting_page_shows_members_no_observation(client, world):
    observation = factories.ObservationFactory(
        meeting__community=world.community, atmosphere="Gespannen sfeer bij de trekker"
    )
    client.force_login(world.participant)
    response = client.get(reverse("meetings:meeting_detail", args=[observation.meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gespannen sfeer" not in html
    assert reverse("evaluation:meeting_observations", args=[observation.meeting.pk]) not in html


def test_a_coordinator_reads_but_does_not_write(client, world, observed):
    observation = factories.ObservationFactory(meeting=observed.meeting, atmosphere="Levendig")
    client.force_login(world.coordinator)
    detail = client.get(reverse("evaluation:observation_detail", args=[observation.pk]))
    assert detail.status_code == 200 and "Levendig" in detail.content.decode()
    assert "Bewerken" not in detail.content.decode()
    listing = client.get(reverse("evaluation:observation_list", args=[world.programme.slug]))
    assert listing.status_code == 200
    assert "Een bijeenkomst observeren" not in listing.content.decode()
    edit = reverse("evaluation:observation_edit", args=[observation.pk])
    assert client.post(edit, {"atmosphere": "Anders"}).status_code == 403
    new = reverse("evaluation:observation_create", args=[observed.meeting.pk])
    assert client.get(new).status_code == 403


def test_editing_keeps_the_snapshot_unless_asked_to_refresh(client, world, observed):
    from leerkring.meetings.models import Attendance

    q1 = _question("1")
    observation = factories.ObservationFactory(
        meeting=observed.meeting, prefill={"attendance": {"present": 99}}
    )
    ObservationAnswer.objects.create(observation=observation, question=q1, text="Oud")
    client.force_login(world.evaluator)
    url = reverse("evaluation:observation_edit", args=[observation.pk])
    form = client.get(url).content.decode()
    assert "Oud" in form
    client.post(url, {f"q{q1.pk}_text": "Nieuw", "atmosphere": "Rustig"})
    observation.refresh_from_db()
    assert observation.answers.get().text == "Nieuw"
    assert observation.atmosphere == "Rustig"
    assert observation.prefill["attendance"]["present"] == 99
    Attendance.objects.filter(meeting=observed.meeting).update(status="present")
    client.post(url, {f"q{q1.pk}_text": "Nieuw", "refresh_prefill": "on"})
    observation.refresh_from_db()
    assert observation.prefill["attendance"]["present"] == 4


def test_answers_for_questions_of_another_template_are_ignored(client, world, observed):
    other = factories.ObservationQuestionFactory(template__programme=world.other_programme)
    client.force_login(world.evaluator)
    client.post(
        reverse("evaluation:observation_create", args=[observed.meeting.pk]),
        {f"q{other.pk}_text": "Elders", "atmosphere": "Goed"},
    )
    assert Observation.objects.get().answers.count() == 0


def test_the_lists_show_observations_per_programme_and_meeting(client, world, observed):
    factories.ObservationFactory(meeting=observed.meeting)
    foreign = factories.ObservationFactory(meeting__community=world.foreign)
    client.force_login(world.evaluator)
    listing = client.get(reverse("evaluation:observation_list", args=[world.programme.slug]))
    html = listing.content.decode()
    assert reverse("evaluation:observation_detail", args=[foreign.pk]) not in html
    assert reverse("evaluation:observation_create", args=[observed.meeting.pk]) in html
    per_meeting = client.get(reverse("evaluation:meeting_observations", args=[observed.meeting.pk]))
    assert per_meeting.status_code == 200
    assert "Nieuwe observatie" in per_meeting.content.decode()


def _list_queries(client, world, n: int) -> int:
    for _ in range(n):
        observation = factories.ObservationFactory(
            meeting=held_meeting(factories.CommunityFactory(programme=world.programme)),
            observer=world.evaluator,
        )
        ObservationAnswer.objects.create(
            observation=observation, question=_question("1"), text="Tekst"
        )
    url = reverse("evaluation:observation_list", args=[world.programme.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_observation_list_has_a_flat_query_count(client, world):
    client.force_login(world.evaluator)
    few = _list_queries(client, world, 2)
    many = _list_queries(client, world, 6)
    assert few == many


# Own templates ------------------------------------------------------------------------------


def test_an_evaluator_copies_the_builtin_schema_and_edits_it(client, world, observed):
    client.force_login(world.evaluator)
    response = client.post(
        reverse("evaluation:observation_template_copy", args=[world.programme.slug, _builtin().pk])
    )
    copy = ObservationTemplate.objects.get(programme=world.programme)
    assert response["Location"] == reverse("evaluation:observation_template", args=[copy.pk])
    questions = list(copy.questions.order_by("position"))
    assert len(questions) == 15
    data = {
        "title": "Schema Achterhoek",
        "questions-TOTAL_FORMS": "16",
        "questions-INITIAL_FORMS": "15",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, q in enumerate(questions):
        data |= {
            f"questions-{i}-pk": q.pk,
            f"questions-{i}-number": q.number,
            f"questions-{i}-question": q.question,
            f"questions-{i}-frame": q.frame,
            f"questions-{i}-measure": q.measure,
            f"questions-{i}-wrapup_question": q.wrapup_question,
            f"questions-{i}-prefill": q.prefill,
        }
    data["questions-0-question"] = "Wie is er, en hoe voelt de groep?"
    data["questions-1-delete"] = "on"
    data |= {"questions-15-number": "16", "questions-15-question": "Hoe eindigt de bijeenkomst?"}
    response = client.post(reverse("evaluation:observation_template", args=[copy.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    copy.refresh_from_db()
    assert copy.title == "Schema Achterhoek"
    numbers = list(copy.questions.order_by("position").values_list("number", flat=True))
    assert numbers == ["1", *[str(n) for n in range(3, 17)]]
    assert copy.questions.get(number="1").question == "Wie is er, en hoe voelt de groep?"
    assert copy.questions.get(number="1").prefill == "attendance"
    # The copy becomes the default schema of the programme.
    form = client.get(reverse("evaluation:observation_create", args=[observed.meeting.pk]))
    assert "Hoe eindigt de bijeenkomst?" in form.content.decode()


def test_a_question_already_answered_cannot_be_removed(world):
    from django.core.exceptions import ValidationError

    from leerkring.evaluation import services

    template = services.observation_template_copy(
        template=_builtin(), programme=world.programme, by=world.evaluator
    )
    q1 = template.questions.get(number="1")
    observation = factories.ObservationFactory(
        meeting__community=world.community, template=template
    )
    ObservationAnswer.objects.create(observation=observation, question=q1, text="Gezien")
    row = services.ObservationQuestionInput(pk=q1.pk, number="1", question=q1.question, delete=True)
    with pytest.raises(ValidationError, match="al beantwoord"):
        services.observation_template_update(
            template=template, by=world.evaluator, title="X", questions=[row]
        )
    assert template.questions.filter(pk=q1.pk).exists()


def test_the_builtin_schema_cannot_be_edited(client, world):
    client.force_login(world.evaluator)
    url = reverse("evaluation:observation_template", args=[_builtin().pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Gekaapt"}).status_code == 403
    assert _builtin().title != "Gekaapt"


def test_a_template_of_another_programme_cannot_be_copied(client, world):
    foreign = ObservationTemplate.objects.create(programme=world.other_programme, title="SWW")
    client.force_login(world.evaluator)
    url = reverse("evaluation:observation_template_copy", args=[world.programme.slug, foreign.pk])
    assert client.post(url).status_code == 404
    assert not ObservationTemplate.objects.filter(programme=world.programme).exists()


@pytest.mark.parametrize("bad", ["²", "1" * 30])
def test_a_community_that_is_no_key_filters_nothing(client, world, bad):
    client.force_login(world.evaluator)
    url = reverse("evaluation:observation_list", args=[world.programme.slug])
    response = client.get(url, {"community": bad})
    assert response.status_code == 200
    assert response.context["community_id"] is None
