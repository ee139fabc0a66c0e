"""Building an agenda: items with work form and topic, order, the look-back at open
agreements, guests, the time warning, publishing, the print view and own work forms."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from leerkring.meetings import selectors, services
from leerkring.meetings.models import AgendaItem, Agreement, Guest, Meeting, WorkForm
from tests import factories
from tests.confirm import CONFIRMED

pytestmark = pytest.mark.django_db


def _item_post(**extra) -> dict:
    return {"title": "Casusbespreking", "minutes": "45", **extra}


def _titles(meeting: Meeting) -> list[str]:
    return list(meeting.agenda_items.order_by("position", "pk").values_list("title", flat=True))


def _agreement(meeting: Meeting, text: str, **extra) -> Agreement:
    return Agreement.objects.create(
        meeting=meeting, community=meeting.community, text=text, **extra
    )


def _earlier(world, days: int = 40) -> Meeting:
    return factories.MeetingFactory(
        community=world.community,
        starts_at=timezone.now() - datetime.timedelta(days=days),
        status=Meeting.Status.HELD,
    )


# --- Items ----------------------------------------------------------------------------------


def test_a_facilitator_adds_an_item_with_work_form_and_topic(client, world, meeting):
    fishbowl = WorkForm.objects.get(key="fishbowl")
    client.force_login(world.facilitator)
    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _item_post(
            work_form=fishbowl.pk,
            subtopic="Kinderopvang",
            led_by="Procesbegeleider",
            perspective="fishbowl",
        ),
    )
    item = AgendaItem.objects.get(meeting=meeting)
    assert response.status_code == 302
    assert item.work_form == fishbowl
    # Choosing a subtopic fills in its category (report §3.2.2).
    assert (item.topic_category, item.subtopic) == ("life_domains", "Kinderopvang")
    assert item.perspective == "fishbowl" and item.minutes == 45


def test_a_free_topic_is_kept_as_typed(client, world, meeting):
    client.force_login(world.lead)
    client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _item_post(topic_category="cooperation", free_topic="Warme overdracht"),
    )
    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.topic_category, item.subtopic) == ("cooperation", "Warme overdracht")


def test_it_refuses_a_subtopic_of_another_category(client, world, meeting):
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _item_post(topic_category="procedures", subtopic="Kinderopvang"),
    )
    assert "Leefdomeinen statushouders" in response.context["item_form"].errors["subtopic"][0]
    assert not AgendaItem.objects.exists()


def test_it_refuses_both_a_listed_and_a_free_topic(client, world, meeting):
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _item_post(subtopic="Jongeren", free_topic="Iets anders"),
    )
    assert "niet allebei" in response.context["item_form"].errors["free_topic"][0]


@pytest.mark.parametrize("minutes", ["0", "-5", "veel", ""])
def test_it_refuses_nonsense_minutes(client, world, meeting, minutes):
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]), _item_post(minutes=minutes)
    )
    assert response.context["item_form"].errors["minutes"]
    assert not AgendaItem.objects.exists()


def test_a_work_form_of_another_programme_is_refused(world, meeting):
    foreign = WorkForm.objects.create(
        programme=world.other_programme, key="wandeling", name="Wandeling"
    )
    with pytest.raises(ValidationError) as caught:
        services.agenda_item_add(meeting=meeting, by=world.lead, title="Lopen", work_form=foreign)
    assert "work_form" in caught.value.message_dict
    assert foreign not in selectors.work_forms_for(programme_id=world.programme.pk)


def test_an_item_is_edited_and_deleted(client, world, meeting):
    item = services.agenda_item_add(meeting=meeting, by=world.lead, title="Oud", subtopic="Eigen")
    client.force_login(world.lead)
    url = reverse("meetings:agenda_item_edit", args=[meeting.pk, item.pk])
    form = client.get(url).context["form"]
    assert form.initial["free_topic"] == "Eigen" and form.initial["subtopic"] == ""
    client.post(url, _item_post(title="Nieuw", minutes="20"))
    item.refresh_from_db()
    assert (item.title, item.minutes, item.subtopic) == ("Nieuw", 20, "")
    client.post(reverse("meetings:agenda_item_delete", args=[meeting.pk, item.pk]), CONFIRMED)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_an_item_of_another_meeting_cannot_be_reached(client, world, meeting):
    other = factories.MeetingFactory(community=world.sibling)
    item = services.agenda_item_add(meeting=other, by=None, title="Van een ander")
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:agenda_item_delete", args=[meeting.pk, item.pk]), CONFIRMED
    )
    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# --- Order --------------------------------------------------------------------------------------


def test_items_move_up_and_down(client, world, meeting):
    first, second, third = (
        services.agenda_item_add(meeting=meeting, by=world.lead, title=t) for t in "ABC"
    )
    client.force_login(world.facilitator)
    url = reverse("meetings:agenda_item_move", args=[meeting.pk, third.pk])
    response = client.post(url, {"direction": "up"})
    assert response["Location"].endswith(f"#move-up-{third.pk}")
    assert _titles(meeting) == ["A", "C", "B"]
    client.post(
        reverse("meetings:agenda_item_move", args=[meeting.pk, first.pk]), {"direction": "down"}
    )
    assert _titles(meeting) == ["C", "A", "B"]


def test_moving_past_the_ends_changes_nothing(client, world, meeting):
    a = services.agenda_item_add(meeting=meeting, by=world.lead, title="A")
    b = services.agenda_item_add(meeting=meeting, by=world.lead, title="B")
    client.force_login(world.lead)
    client.post(reverse("meetings:agenda_item_move", args=[meeting.pk, a.pk]), {"direction": "up"})
    client.post(
        reverse("meetings:agenda_item_move", args=[meeting.pk, b.pk]), {"direction": "down"}
    )
    client.post(
        reverse("meetings:agenda_item_move", args=[meeting.pk, b.pk]), {"direction": "sideways"}
    )
    assert _titles(meeting) == ["A", "B"]


def test_items_sharing_a_position_still_move_predictably(world, meeting):
    for title in "ABC":
        AgendaItem.objects.create(meeting=meeting, title=title, position=0)
    c = meeting.agenda_items.get(title="C")
    services.agenda_item_move(item=c, by=world.lead, direction="up")
    assert _titles(meeting) == ["A", "C", "B"]


def test_the_builder_offers_keyboard_buttons_to_reorder(client, world, meeting):
    a = services.agenda_item_add(meeting=meeting, by=world.lead, title="A")
    b = services.agenda_item_add(meeting=meeting, by=world.lead, title="B")
    client.force_login(world.lead)
    content = client.get(reverse("meetings:agenda", args=[meeting.pk])).content.decode()
    assert f'id="move-down-{a.pk}"' in content and f'id="move-up-{b.pk}"' in content
    assert f'id="move-up-{a.pk}"' not in content


# --- Look back at open agreements -----------------------------------------------------------------


def test_the_look_back_lists_open_agreements_of_earlier_meetings(client, world, meeting):
    earlier = _earlier(world)
    due = timezone.localdate() + datetime.timedelta(days=5)
    _agreement(earlier, "Folder over kinderopvang maken", owner=world.participant_m, due_date=due)
    _agreement(earlier, "Al gedaan", status=Agreement.Status.DONE)
    _agreement(factories.MeetingFactory(community=world.sibling), "Van een ander")
    later = factories.MeetingFactory(
        community=world.community, starts_at=meeting.starts_at + datetime.timedelta(days=40)
    )
    _agreement(later, "Nog niet gemaakt")
    client.force_login(world.lead)
    client.post(reverse("meetings:agenda", args=[meeting.pk]), _item_post())
    content = client.get(reverse("meetings:agenda", args=[meeting.pk])).content.decode()
    lookback = AgendaItem.objects.get(meeting=meeting, is_lookback=True)
    assert lookback.title == "Terugblik op openstaande afspraken"
    assert "Folder over kinderopvang maken" in content
    assert world.participant_m.person.full_name in content
    assert f"uiterlijk {due.day}" in content
    for hidden in ("Al gedaan", "Van een ander", "Nog niet gemaakt"):
        assert hidden not in content


def test_the_look_back_stays_current(client, world):
    earlier = _earlier(world)
    agreement = _agreement(earlier, "Contact leggen met het COA")
    day = timezone.localdate() + datetime.timedelta(days=20)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(13)))
    meeting = services.meeting_create(
        community=world.community,
        by=world.lead,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
    )
    overview = selectors.meeting_agenda(meeting=meeting, can_edit=True)
    assert [a.text for a in overview.lookback_agreements] == ["Contact leggen met het COA"]
    agreement.status = Agreement.Status.DONE
    agreement.save()
    overview = selectors.meeting_agenda(meeting=meeting, can_edit=True)
    assert overview.lookback_agreements == []


def test_opening_an_agenda_writes_nothing(client, world, meeting):
    """A GET is safe to repeat (and to prefetch): the look-back comes with the first item."""
    _agreement(_earlier(world), "Open")
    client.force_login(world.lead)
    assert client.get(reverse("meetings:agenda", args=[meeting.pk])).status_code == 200
    assert not meeting.agenda_items.exists()


def test_the_first_item_brings_the_look_back_once_and_only_when_needed(client, world, meeting):
    client.force_login(world.lead)
    url = reverse("meetings:agenda", args=[meeting.pk])
    client.post(url, _item_post(title="Zonder afspraken"))
    assert not meeting.agenda_items.filter(is_lookback=True).exists()

    other = factories.MeetingFactory(
        community=world.community, starts_at=meeting.starts_at + datetime.timedelta(days=40)
    )
    _agreement(_earlier(world), "Open")
    url = reverse("meetings:agenda", args=[other.pk])
    client.post(url, _item_post(title="Eerste"))
    client.post(url, _item_post(title="Tweede"))
    assert _titles(other) == ["Terugblik op openstaande afspraken", "Eerste", "Tweede"]


def test_a_removed_look_back_stays_removed_while_the_agenda_has_items(client, world, meeting):
    _agreement(_earlier(world), "Open")
    client.force_login(world.lead)
    url = reverse("meetings:agenda", args=[meeting.pk])
    services.agenda_item_add(meeting=meeting, by=world.lead, title="Casus")
    lookback = meeting.agenda_items.get(is_lookback=True)
    client.post(reverse("meetings:agenda_item_delete", args=[meeting.pk, lookback.pk]), CONFIRMED)
    client.get(url)
    client.post(url, _item_post(title="Nog een"))
    assert not meeting.agenda_items.filter(is_lookback=True).exists()


# --- Time -------------------------------------------------------------------------------------


def test_an_agenda_longer_than_the_meeting_gets_a_warning(client, world, meeting):
    # The meeting lasts three hours (180 minutes).
    services.agenda_item_add(meeting=meeting, by=world.lead, title="Lang", minutes=150)
    services.agenda_item_add(meeting=meeting, by=world.lead, title="Nog een", minutes=50)
    client.force_login(world.lead)
    content = client.get(reverse("meetings:agenda", args=[meeting.pk])).content.decode()
    assert "De agenda duurt 20 minuten langer dan de bijeenkomst." in content
    assert "Samen 200 minuten, de bijeenkomst duurt 180 minuten." in content


def test_an_agenda_that_fits_gets_no_warning(client, world, meeting):
    services.agenda_item_add(meeting=meeting, by=world.lead, title="Past", minutes=180)
    client.force_login(world.lead)
    content = client.get(reverse("meetings:agenda", args=[meeting.pk])).content.decode()
    assert "langer dan de bijeenkomst" not in content


# --- Guests -------------------------------------------------------------------------------------


def test_guests_are_added_with_their_role_and_removed(client, world, meeting):
    client.force_login(world.facilitator)
    client.post(
        reverse("meetings:agenda_guest_add", args=[meeting.pk]),
        {"guest-name": "Amina", "guest-role": "experience_expert", "guest-organisation_name": ""},
    )
    guest = Guest.objects.get(meeting=meeting)
    assert (guest.name, guest.role) == ("Amina", "experience_expert")
    response = client.post(
        reverse("meetings:agenda_guest_add", args=[meeting.pk]), {"guest-role": "guest"}
    )
    assert response.context["guest_form"].errors["name"]
    client.post(reverse("meetings:agenda_guest_remove", args=[meeting.pk, guest.pk]))
    assert not Guest.objects.exists()


# --- Publishing and printing ------------------------------------------------------------------


def test_members_see_the_agenda_only_once_it_is_published(client, world, meeting):
    services.agenda_item_add(meeting=meeting, by=world.lead, title="Geheime voorbereiding")
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    client.force_login(world.participant)
    assert "Geheime voorbereiding" not in client.get(url).content.decode()
    client.force_login(world.facilitator)
    assert "Geheime voorbereiding" in client.get(url).content.decode()
    response = client.post(reverse("meetings:agenda_publish", args=[meeting.pk]))
    assert response.status_code == 302
    client.force_login(world.participant)
    assert "Geheime voorbereiding" in client.get(url).content.decode()


def test_a_participant_cannot_publish_the_agenda(client, world, meeting):
    client.force_login(world.participant)
    response = client.post(reverse("meetings:agenda_publish", args=[meeting.pk]))
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None


def test_the_print_view_shows_agenda_and_guests(client, world, meeting):
    services.agenda_item_add(meeting=meeting, by=world.lead, title="Vissenkom", minutes=40)
    Guest.objects.create(meeting=meeting, name="Dr. Jansen", role=Guest.Role.EXPERT)
    services.agenda_publish(meeting=meeting, by=world.lead)
    client.force_login(world.participant)
    response = client.get(reverse("meetings:meeting_print", args=[meeting.pk]))
    content = response.content.decode()
    assert "Vissenkom" in content and "Dr. Jansen" in content
    assert "lk-header" not in content  # no site navigation on paper


@pytest.mark.parametrize("visitor", ["coordinator", "sibling_member", "system_partner"])
def test_the_print_view_is_for_members_only(client, world, meeting, visitor):
    client.force_login(getattr(world, visitor))
    response = client.get(reverse("meetings:meeting_print", args=[meeting.pk]))
    assert response.status_code == 403


# --- Own work forms ---------------------------------------------------------------------------


def test_a_lead_adds_a_work_form_to_the_programme_catalogue(client, world, meeting):
    client.force_login(world.lead)
    url = reverse("meetings:work_form_create", args=[meeting.pk])
    response = client.post(url, {"workform-name": "Wandelgesprek", "workform-description": ""})
    assert response.status_code == 302
    work_form = WorkForm.objects.get(name="Wandelgesprek")
    assert work_form.programme == world.programme and work_form.key == "wandelgesprek"
    assert work_form in selectors.work_forms_for(programme_id=world.programme.pk)
    assert work_form not in selectors.work_forms_for(programme_id=world.other_programme.pk)
    for existing in ("wandelgesprek", "vissenkom"):
        response = client.post(url, {"workform-name": existing})
        assert response.context["work_form_form"].errors["name"] == [
            "Deze werkvorm staat al in de lijst."
        ]
    assert WorkForm.objects.filter(programme=world.programme).count() == 1


def test_a_participant_cannot_add_a_work_form(client, world, meeting):
    client.force_login(world.participant)
    response = client.post(
        reverse("meetings:work_form_create", args=[meeting.pk]), {"workform-name": "Iets"}
    )
    assert response.status_code == 403
    assert not WorkForm.objects.filter(name="Iets").exists()
