from django.core import mail
from django.urls import reverse

from leerkring.signalling.models import Signal, SignalEvent
from tests.api.helpers import ApiClient, token_for
from tests.signalling.helpers import signal_in_state

SIGNAL = {
    "title": "Wachtlijst taalschool",
    "description": "Inburgeraars wachten maanden op een plek bij de taalschool.",
    "subtopic": "Wachttijden",
    "solution_level": "national",
}


def test_a_member_raises_a_draft_and_the_lead_passes_it_on(
    world, django_capture_on_commit_callbacks
):
    member = ApiClient(token_for(world.participant))
    response = member.post(reverse("api:community_signals", args=[world.community.pk]), SIGNAL)
    assert response.status_code == 201, response.content
    signal = Signal.objects.get(pk=response.json()["id"])
    assert signal.state == Signal.State.DRAFT
    assert response.json()["actions"] == []
    assert SignalEvent.objects.get(signal=signal).data == {"source": "api"}

    lead = ApiClient(token_for(world.lead))
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(reverse("api:signal_pass_on", args=[signal.pk]), {})
    assert response.status_code == 200, response.content
    signal.refresh_from_db()
    assert signal.state == Signal.State.NEW
    assert any("Nieuw signaal" in m.subject for m in mail.outbox)


def test_it_refuses_an_incomplete_signal_with_dutch_messages_per_field(world):
    member = ApiClient(token_for(world.participant))
    response = member.post(
        reverse("api:community_signals", args=[world.community.pk]), {"title": ""}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:leerkring:problem:invalid-input"
    pointers = {e["pointer"] for e in problem["errors"]}
    assert {"#/title", "#/description"} <= pointers
    assert any(e["detail"] == "Dit veld is verplicht." for e in problem["errors"])
    assert not Signal.objects.exists()


def test_passing_on_with_personal_data_needs_the_confirmation(world):
    member = ApiClient(token_for(world.participant))
    body = {**SIGNAL, "description": "Mevrouw Jansen (BSN 111222333) wacht al maanden."}
    created = member.post(reverse("api:community_signals", args=[world.community.pk]), body)
    pk = created.json()["id"]
    lead = ApiClient(token_for(world.lead))
    refused = lead.post(reverse("api:signal_pass_on", args=[pk]), {})
    assert refused.status_code == 400
    assert refused.json()["type"] == "urn:leerkring:problem:personal-data"
    assert {f["kind"] for f in refused.json()["findings"]}
    assert Signal.objects.get(pk=pk).state == Signal.State.DRAFT
    edited = lead.post(
        reverse("api:signal_pass_on", args=[pk]),
        {"description": "Een inburgeraar wacht al maanden op een plek."},
    )
    assert edited.status_code == 200, edited.content
    assert Signal.objects.get(pk=pk).state == Signal.State.NEW


def test_the_coordinator_pulls_the_venster_with_the_pages_filters(world):
    signal_in_state(world, Signal.State.NEW, title="Wachtlijst")
    signal_in_state(world, Signal.State.IN_PROGRESS, title="Huisvesting")
    signal_in_state(world, Signal.State.DRAFT, title="Nog binnen")
    api = ApiClient(token_for(world.coordinator, access="read"))
    url = reverse("api:venster", args=[world.programme.slug])
    everything = api.get(url).json()
    assert everything["count"] == 2
    assert {row["title"] for row in everything["results"]} == {"Wachtlijst", "Huisvesting"}
    assert "description" not in everything["results"][0]
    new = api.get(url, {"state": "new"}).json()
    assert [row["title"] for row in new["results"]] == ["Wachtlijst"]
    wrong = api.get(url, {"state": "draft"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["pointer"] == "#/state"


def test_a_read_only_token_cannot_write(world):
    api = ApiClient(token_for(world.participant, access="read"))
    response = api.post(reverse("api:community_signals", args=[world.community.pk]), SIGNAL)
    assert response.status_code == 403
    assert not Signal.objects.exists()


def test_a_token_limited_to_another_programme_sees_nothing_here(world):
    from leerkring.communities.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(
        community=world.foreign, person=world.coordinator.person, role=Membership.Role.PARTICIPANT
    )
    api = ApiClient(token_for(world.coordinator, programme=world.other_programme))
    assert api.get(reverse("api:venster", args=[world.programme.slug])).status_code == 403
    assert api.get(reverse("api:community_signals", args=[world.foreign.pk])).status_code == 200


def test_the_coordinator_answers_and_the_community_sees_it(world):
    signal = signal_in_state(world, Signal.State.IN_PROGRESS)
    api = ApiClient(token_for(world.coordinator))
    response = api.post(
        reverse("api:signal_action", args=[signal.pk]),
        {"action": "resolve", "answer": "Opgelost met de taalschool."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "resolved"
    member = ApiClient(token_for(world.participant))
    own = member.get(reverse("api:community_signals", args=[world.community.pk])).json()
    assert own["results"][0]["answers"][0]["text"] == "Opgelost met de taalschool."


def test_a_step_the_state_does_not_allow_is_refused(world):
    signal = signal_in_state(world, Signal.State.NEW)
    api = ApiClient(token_for(world.coordinator))
    response = api.post(
        reverse("api:signal_action", args=[signal.pk]),
        {"action": "escalate", "level": "system", "question": "Kan de wet anders?"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "#/level"


def test_an_idempotent_raise_creates_one_signal(world):
    member = ApiClient(token_for(world.participant))
    url = reverse("api:community_signals", args=[world.community.pk])
    first = member.post(url, SIGNAL, **{"Idempotency-Key": "abc-1"})
    again = member.post(url, SIGNAL, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Signal.objects.count() == 1
    other = member.post(url, {**SIGNAL, "title": "Anders"}, **{"Idempotency-Key": "abc-1"})
    assert other.status_code == 409
    assert other.json()["type"] == "urn:leerkring:problem:idempotency-conflict"


def test_an_anonymous_call_is_asked_to_authenticate(world):
    response = ApiClient().get(reverse("api:venster", args=[world.programme.slug]))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:leerkring:problem:not-authenticated"


def test_an_unknown_token_is_refused(world):
    response = ApiClient("lk_nonsense").get(reverse("api:venster", args=[world.programme.slug]))
    assert response.status_code == 401


def test_a_search_of_the_venster_lists_its_newest_matches_and_says_when_it_capped(world):
    from django.utils import timezone

    from leerkring.search.selectors import RANK_CANDIDATES

    api = ApiClient(token_for(world.coordinator, access="read"))
    url = reverse("api:venster", args=[world.programme.slug])
    signal_in_state(world, Signal.State.NEW, title="Wachtlijst taalschool")
    signal_in_state(world, Signal.State.IN_PROGRESS, title="Huisvesting")
    few = api.get(url, {"q": "wachtlijst"}).json()
    assert few["count"] == 1 and few["capped"] is False
    assert [row["title"] for row in few["results"]] == ["Wachtlijst taalschool"]
    assert api.get(url).json()["capped"] is False

    # Written past `save()`, as the synthetic network does: many more matches than are ranked.
    Signal.objects.bulk_create(
        Signal(
            community=world.community,
            programme=world.programme,
            title=f"Wachtlijst vol {n}",
            description="Geen plek.",
            subtopic="Wachttijden",
            solution_level="national",
            state=Signal.State.NEW,
            passed_on_at=timezone.now(),
        )
        for n in range(RANK_CANDIDATES + 2)
    )
    newest = set(
        Signal.objects.filter(title__startswith="Wachtlijst vol")
        .order_by("-pk")
        .values_list("pk", flat=True)[:RANK_CANDIDATES]
    )
    first = api.get(url, {"q": "wachtlijst", "page_size": 100}).json()
    assert first["count"] == RANK_CANDIDATES and first["capped"] is True
    second = api.get(url, {"q": "wachtlijst", "page_size": 100, "page": 2}).json()
    listed = [row["id"] for row in first["results"] + second["results"]]
    assert set(listed) == newest
    assert second["next"] is None
    assert api.get(url, {"q": "wachtlijst", "page_size": 100, "page": 3}).status_code == 404
