"""Every URL pattern, tried by every kind of visitor (DESIGN.md §2).

`MATRIX` names, for each URL, how to build it, which method to use and who may pass. The test
fails when a URL pattern exists that the matrix does not name, so every new page must say who
may open it. Allowed visitors must get through (2xx/3xx, or a form error); everyone else gets
403 or 404, and anonymous visitors are sent to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

VISITORS = [
    "anonymous",
    "nobody",
    "participant",
    "lead",
    "facilitator",
    "sibling_member",
    "foreign_member",
    "coordinator",
    "evaluator",
    "system_partner",
    "other_coordinator",
]

PUBLIC = frozenset(VISITORS)


@dataclass(frozen=True)
class Door:
    args: Callable = lambda w: []
    allowed: frozenset = frozenset()
    method: str = "get"
    # Public doors: anyone may knock; only server errors and 403s are wrong.
    public: bool = False
    data: dict = field(default_factory=dict)


def _community(w):
    return [w.community.pk]


def _membership(w):
    return [w.community.pk, w.participant_m.pk]


def _programme(w):
    return [w.programme.slug]


def _evaluator_role(w):
    from leerkring.accounts.models import ProgrammeRole

    role = ProgrammeRole.objects.get(person__user=w.evaluator)
    return [w.programme.slug, role.pk]


MANAGERS = frozenset({"lead", "coordinator"})
COMMUNITY_VIEWERS = frozenset({"participant", "lead", "facilitator", "coordinator", "evaluator"})
PROGRAMME_VIEWERS = frozenset({"coordinator", "evaluator"})
ANY_COORDINATOR = frozenset({"coordinator", "other_coordinator"})

MATRIX: dict[str, Door] = {
    "core:home": Door(public=True),
    "core:health": Door(public=True),
    "core:health_queue": Door(public=True),
    "set_language": Door(public=True, method="post", data={"language": "en"}),
    "accounts:login": Door(public=True),
    "accounts:logout": Door(public=True, method="post"),
    "accounts:password_reset": Door(public=True),
    "accounts:password_reset_done": Door(public=True),
    "accounts:password_reset_confirm": Door(public=True, args=lambda w: ["MQ", "set-password"]),
    "accounts:password_reset_complete": Door(public=True),
    "accounts:invitation_accept": Door(public=True, args=lambda w: ["no-such-token"]),
    "accounts:member_invite": Door(args=_community, allowed=MANAGERS),
    "accounts:member_reinvite": Door(args=_membership, allowed=MANAGERS, method="post"),
    "accounts:programme_roles": Door(args=_programme, allowed=frozenset({"coordinator"})),
    "accounts:programme_role_revoke": Door(
        args=_evaluator_role, allowed=frozenset({"coordinator"}), method="post"
    ),
    "communities:programme_list": Door(allowed=PROGRAMME_VIEWERS | {"other_coordinator"}),
    "communities:programme": Door(args=_programme, allowed=PROGRAMME_VIEWERS),
    "communities:rule_profile_edit": Door(args=_programme, allowed=frozenset({"coordinator"})),
    "communities:access_log": Door(args=_programme, allowed=frozenset({"coordinator"})),
    "communities:community_create": Door(args=_programme, allowed=frozenset({"coordinator"})),
    "communities:community": Door(args=_community, allowed=COMMUNITY_VIEWERS),
    "communities:community_edit": Door(args=_community, allowed=MANAGERS),
    "communities:members": Door(args=_community, allowed=MANAGERS),
    "communities:membership_role": Door(args=_membership, allowed=MANAGERS, method="post"),
    "communities:membership_end": Door(args=_membership, allowed=MANAGERS),
    "communities:membership_handover": Door(args=_membership, allowed=MANAGERS),
    "communities:membership_seat": Door(args=_membership, allowed=MANAGERS),
    "communities:organisation_list": Door(allowed=ANY_COORDINATOR),
    "communities:organisation_create": Door(allowed=ANY_COORDINATOR),
    "communities:organisation_edit": Door(
        args=lambda w: [w.participant_m.organisation_id], allowed=ANY_COORDINATOR
    ),
}

# --- Meetings: planning and agenda ------------------------------------------------------
MEETING_MEMBERS = frozenset({"participant", "lead", "facilitator"})
MEETING_PLANNERS = frozenset({"lead", "facilitator"})


def _planned_meeting(w):
    from tests.factories import MeetingFactory

    return [MeetingFactory(community=w.community).pk]


def _agenda_item(w):
    from leerkring.meetings.models import AgendaItem
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(community=w.community)
    AgendaItem.objects.create(meeting=meeting, title="Kennismaking", position=0)
    item = AgendaItem.objects.create(meeting=meeting, title="Casus", position=1)
    return [meeting.pk, item.pk]


def _agenda_guest(w):
    from leerkring.meetings.models import Guest
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(community=w.community)
    return [meeting.pk, Guest.objects.create(meeting=meeting, name="Gastspreker").pk]


MATRIX.update(
    {
        "meetings:meeting_list": Door(args=_community, allowed=COMMUNITY_VIEWERS),
        "meetings:meeting_create": Door(args=_community, allowed=MEETING_PLANNERS),
        "meetings:meeting_series": Door(args=_community, allowed=MEETING_PLANNERS),
        "meetings:meeting_detail": Door(args=_planned_meeting, allowed=MEETING_MEMBERS),
        "meetings:meeting_edit": Door(args=_planned_meeting, allowed=MEETING_PLANNERS),
        "meetings:meeting_observation": Door(args=_planned_meeting, allowed=MEETING_PLANNERS),
        "meetings:meeting_print": Door(args=_planned_meeting, allowed=MEETING_MEMBERS),
        "meetings:agenda": Door(args=_planned_meeting, allowed=MEETING_PLANNERS),
        "meetings:agenda_item_edit": Door(args=_agenda_item, allowed=MEETING_PLANNERS),
        "meetings:agenda_item_delete": Door(
            args=_agenda_item, allowed=MEETING_PLANNERS, method="post"
        ),
        "meetings:agenda_item_move": Door(
            args=_agenda_item, allowed=MEETING_PLANNERS, method="post", data={"direction": "up"}
        ),
        "meetings:agenda_guest_add": Door(
            args=_planned_meeting, allowed=MEETING_PLANNERS, method="post"
        ),
        "meetings:agenda_guest_remove": Door(
            args=_agenda_guest, allowed=MEETING_PLANNERS, method="post"
        ),
        "meetings:agenda_publish": Door(
            args=_planned_meeting, allowed=MEETING_PLANNERS, method="post"
        ),
        "meetings:work_form_create": Door(
            args=_planned_meeting, allowed=MEETING_PLANNERS, method="post"
        ),
    }
)

# --- Meetings: invitations, calendar and attendance -------------------------------------
# Publishing and attendance are for the lead and facilitator; answering and the .ics for
# members. The e-mail answer link and the calendar feed are public doors: the signed or secret
# token in the URL is the key (wrong tokens are tested in tests/meetings/).
M2_MEMBERS = frozenset({"participant", "lead", "facilitator"})
M2_GUIDES = frozenset({"lead", "facilitator"})
M2_WITH_PERSON = PUBLIC - {"anonymous", "nobody"}


def _m2_meeting(w):
    from tests.factories import MeetingFactory

    return [MeetingFactory(community=w.community).pk]


def _m2_answer_link(w):
    from leerkring.meetings import services
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(community=w.community)
    return [meeting.pk, services.rsvp_token(meeting=meeting, membership=w.participant_m)]


def _m2_feed(w):
    from leerkring.meetings import services
    from tests.factories import MeetingFactory

    MeetingFactory(community=w.community)
    return [services.calendar_feed_create(person=w.participant_m.person, by=None)]


MATRIX.update(
    {
        "meetings:meeting_publish": Door(args=_m2_meeting, allowed=M2_GUIDES, method="post"),
        "meetings:meeting_mail_resend": Door(args=_m2_meeting, allowed=M2_GUIDES, method="post"),
        "meetings:meeting_rsvp": Door(
            args=_m2_meeting, allowed=M2_MEMBERS, method="post", data={"answer": "attend"}
        ),
        "meetings:rsvp_token": Door(args=_m2_answer_link, public=True),
        "meetings:meeting_ics": Door(args=_m2_meeting, allowed=M2_MEMBERS),
        "meetings:attendance": Door(args=_m2_meeting, allowed=M2_GUIDES),
        "meetings:calendar": Door(allowed=M2_WITH_PERSON),
        "meetings:calendar_feed_create": Door(allowed=M2_WITH_PERSON, method="post"),
        "meetings:calendar_feed_revoke": Door(allowed=M2_WITH_PERSON, method="post"),
        "meetings:calendar_feed": Door(args=_m2_feed, public=True),
    }
)

# --- Meetings: outcomes, minutes, agreements and threads --------------------------------
# Minutes, outcomes and threads are what is said in the community: members only; recording
# them is for the lead and facilitator (meetings/permissions.py).


def _m3_meeting_args(w):
    from tests.factories import MeetingFactory

    return [MeetingFactory(community=w.community).pk]


def _m3_lesson_args(w):
    from leerkring.meetings.models import Lesson
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(community=w.community)
    lesson = Lesson.objects.create(meeting=meeting, community=w.community, text="Leerpunt")
    return [meeting.pk, "lesson", lesson.pk]


def _m3_agreement_args(w):
    from leerkring.meetings.models import Agreement
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(community=w.community)
    agreement = Agreement.objects.create(
        meeting=meeting, community=w.community, text="Afspraak", owner=w.participant_m
    )
    return [agreement.pk]


def _m3_thread_args(w):
    from leerkring.meetings.models import Message, Thread

    thread = Thread.objects.create(community=w.community, title="Gesprek")
    Message.objects.create(thread=thread, author=w.participant_m.person, body="Hallo")
    return [thread.pk]


M3_MEMBERS = frozenset({"participant", "lead", "facilitator"})
M3_GUIDES = frozenset({"lead", "facilitator"})
M3_SIGNED_IN = PUBLIC - {"anonymous"}

MATRIX.update(
    {
        "meetings:wrapup": Door(args=_m3_meeting_args, allowed=M3_GUIDES),
        "meetings:wrapup_add": Door(
            args=lambda w: [*_m3_meeting_args(w), "lesson"], allowed=M3_GUIDES, method="post"
        ),
        "meetings:wrapup_edit": Door(args=_m3_lesson_args, allowed=M3_GUIDES),
        "meetings:wrapup_delete": Door(args=_m3_lesson_args, allowed=M3_GUIDES),
        "meetings:minutes": Door(args=_m3_meeting_args, allowed=M3_GUIDES),
        "meetings:minutes_send": Door(args=_m3_meeting_args, allowed=M3_GUIDES, method="post"),
        "meetings:minutes_docx": Door(args=_m3_meeting_args, allowed=M3_MEMBERS),
        "meetings:minutes_pdf": Door(args=_m3_meeting_args, allowed=M3_MEMBERS),
        "meetings:my_agreements": Door(allowed=M3_SIGNED_IN),
        "meetings:agreement": Door(args=_m3_agreement_args, allowed=M3_MEMBERS),
        "meetings:agreement_status": Door(
            args=_m3_agreement_args, allowed=M3_MEMBERS, method="post", data={"status": "done"}
        ),
        "meetings:threads": Door(args=_community, allowed=M3_MEMBERS),
        "meetings:thread_start": Door(args=_community, allowed=M3_MEMBERS, method="post"),
        "meetings:thread_notifications": Door(
            args=_community, allowed=M3_MEMBERS, method="post", data={"mode": "digest"}
        ),
        "meetings:thread": Door(args=_m3_thread_args, allowed=M3_MEMBERS),
    }
)

# --- Surveys: questionnaires and the thermometer template -------------------------------
# Evaluators of the programme build; its coordinators look along read-only. Members, system
# partners and the other programme's coordinator never see a questionnaire.
S1_BUILDERS = frozenset({"evaluator"})
S1_VIEWERS = frozenset({"coordinator", "evaluator"})


def _s1_questionnaire(w):
    from tests.factories import QuestionnaireFactory

    return [QuestionnaireFactory(programme=w.programme).pk]


def _s1_section(w):
    from tests.factories import SectionFactory

    section = SectionFactory(questionnaire__programme=w.programme)
    return [section.questionnaire_id, section.pk]


def _s1_question(w):
    from tests.factories import OptionFactory, QuestionFactory

    question = QuestionFactory(questionnaire__programme=w.programme)
    OptionFactory(question=question)
    return [question.questionnaire_id, question.pk]


def _s1_option(w):
    from tests.factories import OptionFactory

    option = OptionFactory(question__questionnaire__programme=w.programme)
    return [option.question.questionnaire_id, option.question_id, "options", option.pk]


def _s1_template(w):
    from leerkring.surveys.models import Questionnaire

    template = Questionnaire.objects.get(template_key="thermometer", programme__isnull=True)
    return [w.programme.slug, template.pk]


MATRIX.update(
    {
        "surveys:index": Door(args=_programme, allowed=S1_VIEWERS),
        "surveys:questionnaire_create": Door(args=_programme, allowed=S1_BUILDERS),
        "surveys:questionnaire_copy": Door(args=_s1_template, allowed=S1_BUILDERS, method="post"),
        "surveys:questionnaire": Door(args=_s1_questionnaire, allowed=S1_VIEWERS),
        "surveys:questionnaire_preview": Door(args=_s1_questionnaire, allowed=S1_VIEWERS),
        "surveys:questionnaire_new_version": Door(
            args=_s1_questionnaire, allowed=S1_BUILDERS, method="post"
        ),
        "surveys:section_add": Door(
            args=_s1_questionnaire, allowed=S1_BUILDERS, method="post", data={"title": "A"}
        ),
        "surveys:section_edit": Door(args=_s1_section, allowed=S1_BUILDERS),
        "surveys:section_move": Door(
            args=_s1_section, allowed=S1_BUILDERS, method="post", data={"direction": "up"}
        ),
        "surveys:section_delete": Door(args=_s1_section, allowed=S1_BUILDERS, method="post"),
        "surveys:question_add": Door(args=_s1_questionnaire, allowed=S1_BUILDERS),
        "surveys:question_edit": Door(args=_s1_question, allowed=S1_BUILDERS),
        "surveys:question_move": Door(
            args=_s1_question, allowed=S1_BUILDERS, method="post", data={"direction": "up"}
        ),
        "surveys:question_delete": Door(args=_s1_question, allowed=S1_BUILDERS, method="post"),
        "surveys:question_item_add": Door(
            args=lambda w: [*_s1_question(w), "options"],
            allowed=S1_BUILDERS,
            method="post",
            data={"label": "Ja"},
        ),
        "surveys:question_item_edit": Door(args=_s1_option, allowed=S1_BUILDERS),
        "surveys:question_item_move": Door(
            args=_s1_option, allowed=S1_BUILDERS, method="post", data={"direction": "up"}
        ),
        "surveys:question_item_delete": Door(args=_s1_option, allowed=S1_BUILDERS, method="post"),
    }
)

# --- Signals: raising, passing on, the signal page and its steps ------------------------
# A draft is for the members of its community (its raiser, lead and facilitator change it; only
# the lead and facilitator pass it on); a passed-on signal is also for the programme's
# coordinators, who alone take its steps. System partners use their own inbox, not this page.
SIGNAL_MEMBERS = frozenset({"participant", "lead", "facilitator"})


def _signal_draft(w):
    from leerkring.signalling import lifecycle

    signal = lifecycle.signal_raise(
        community=w.community, by=w.participant, title="Wachttijd", description="Lang."
    )
    return [signal.pk]


def _signal_passed_on(w):
    from leerkring.signalling import lifecycle

    [pk] = _signal_draft(w)
    from leerkring.signalling.models import Signal

    signal = Signal.objects.get(pk=pk)
    lifecycle.signal_pass_on(signal=signal, by=w.lead, guard_confirmed=True)
    return [signal.pk]


MATRIX.update(
    {
        "signalling:signal_raise": Door(args=_community, allowed=SIGNAL_MEMBERS | {"coordinator"}),
        "signalling:community_signals": Door(args=_community, allowed=SIGNAL_MEMBERS),
        "signalling:signal_detail": Door(
            args=_signal_passed_on, allowed=SIGNAL_MEMBERS | {"coordinator"}
        ),
        "signalling:signal_edit": Door(args=_signal_draft, allowed=SIGNAL_MEMBERS),
        "signalling:signal_delete": Door(args=_signal_draft, allowed=SIGNAL_MEMBERS),
        "signalling:signal_pass_on": Door(
            args=_signal_draft, allowed=frozenset({"lead", "facilitator"})
        ),
        "signalling:signal_action": Door(
            args=lambda w: [*_signal_passed_on(w), "respond"],
            allowed=frozenset({"coordinator"}),
            method="post",
            data={"respond-text": "We zijn ermee bezig."},
        ),
    }
)

# --- Surveys: results, comparison and exports -------------------------------------------
# Results and exports are for the programme's evaluators and coordinators only: no member
# (of any community), no system partner, no coordinator of another programme. The wave has
# six responses, enough to be shown and exported.
S3_RESULT_VIEWERS = frozenset({"coordinator", "evaluator"})


def _s3_wave(w):
    from leerkring.surveys.models import Answer, Response
    from tests.factories import OptionFactory, QuestionFactory, QuestionnaireFactory, WaveFactory

    questionnaire = QuestionnaireFactory(programme=w.programme)
    question = QuestionFactory(questionnaire=questionnaire, code="V1")
    option = OptionFactory(question=question)
    wave = WaveFactory(questionnaire=questionnaire)
    for _ in range(6):
        response = Response.objects.create(wave=wave, community=w.community)
        Answer.objects.create(response=response, question=question, option=option)
    return [wave.pk]


MATRIX.update(
    {
        "surveys:results": Door(args=_s3_wave, allowed=S3_RESULT_VIEWERS),
        "surveys:results_communities": Door(args=_s3_wave, allowed=S3_RESULT_VIEWERS),
        "surveys:export_csv": Door(args=_s3_wave, allowed=S3_RESULT_VIEWERS),
        "surveys:export_xlsx": Door(args=_s3_wave, allowed=S3_RESULT_VIEWERS),
        "surveys:codebook_csv": Door(args=_s3_wave, allowed=S3_RESULT_VIEWERS),
        "surveys:compare": Door(args=_programme, allowed=S3_RESULT_VIEWERS),
    }
)

# --- Surveys: waves, invitations and answering ------------------------------------------
# Running a wave is the evaluator's; the wave page with its response rate is also for the
# programme's coordinators. The respondent's links are public doors: the token is the key
# (a wrong, used or other wave's token is tested in tests/surveys/test_respond.py).
S2_RUNNERS = frozenset({"evaluator"})
S2_VIEWERS = frozenset({"coordinator", "evaluator"})


def _s2_wave(w):
    from tests.factories import WaveFactory
    from tests.surveys.waves_helpers import survey

    wave = WaveFactory(questionnaire=survey(w.programme).questionnaire)
    wave.communities.set([w.community])
    return [wave.pk]


def _s2_respondent_link(w):
    from tests.factories import WaveFactory
    from tests.surveys.waves_helpers import send, survey

    wave = WaveFactory(questionnaire=survey(w.programme).questionnaire)
    wave.communities.set([w.community])
    return [send(wave)[w.participant_m.person.email].split("/")[2]]


def _s2_open_link(w):
    from leerkring.surveys import services
    from tests.factories import WaveFactory
    from tests.surveys.waves_helpers import survey

    wave = WaveFactory(questionnaire=survey(w.programme).questionnaire)
    return [services.wave_open_link_enable(wave=wave, by=None)]


MATRIX.update(
    {
        "surveys:wave_create": Door(args=_programme, allowed=S2_RUNNERS),
        "surveys:wave_detail": Door(args=_s2_wave, allowed=S2_VIEWERS),
        "surveys:wave_edit": Door(args=_s2_wave, allowed=S2_RUNNERS),
        "surveys:wave_send": Door(args=_s2_wave, allowed=S2_RUNNERS, method="post"),
        "surveys:wave_remind": Door(args=_s2_wave, allowed=S2_RUNNERS, method="post"),
        "surveys:wave_mail_resend": Door(args=_s2_wave, allowed=S2_RUNNERS, method="post"),
        "surveys:wave_addresses": Door(
            args=_s2_wave, allowed=S2_RUNNERS, method="post", data={"emails": "a@example.nl"}
        ),
        "surveys:wave_open_link": Door(args=_s2_wave, allowed=S2_RUNNERS, method="post"),
        "surveys:respond": Door(args=_s2_respondent_link, public=True),
        "surveys:respond_open": Door(args=_s2_open_link, public=True),
        "surveys:respond_done": Door(public=True),
        "surveys:respond_form": Door(public=True),
    }
)

# --- Signals: the venster, themes, top five, LCC and system level ------------------------
# The venster and the top five are for the programme's coordinators, and read-only for the
# leads and facilitators of its communities; themes and the LCC for coordinators only; the
# system pages for system partners, and only for signals escalated to the system level.
V2_READERS = frozenset({"coordinator", "lead", "facilitator"})
V2_COORDINATOR = frozenset({"coordinator"})
V2_SYSTEM = frozenset({"system_partner"})


def _v2_theme(w):
    from tests.factories import SignalThemeFactory

    return [SignalThemeFactory(programme=w.programme).pk]


def _v2_lcc(w):
    from tests.factories import CoordinationMeetingFactory

    return [CoordinationMeetingFactory(programme=w.programme).pk]


def _v2_lcc_signal(w):
    from leerkring.signalling.models import Signal
    from tests.factories import CoordinationMeetingFactory, SignalFactory

    meeting = CoordinationMeetingFactory(programme=w.programme)
    signal = SignalFactory(community=w.community, passed=True, state=Signal.State.IN_PROGRESS)
    return [meeting.pk, signal.pk]


def _v2_escalated(w):
    from tests.signalling.helpers import signal_in_state

    return [signal_in_state(w, "escalated_system").pk]


MATRIX.update(
    {
        "signalling:venster": Door(args=_programme, allowed=V2_READERS),
        "signalling:top5": Door(args=_programme, allowed=V2_READERS),
        "signalling:theme_list": Door(args=_programme, allowed=V2_COORDINATOR),
        "signalling:theme_link": Door(args=_programme, allowed=V2_COORDINATOR, method="post"),
        "signalling:theme": Door(args=_v2_theme, allowed=V2_COORDINATOR),
        "signalling:theme_rename": Door(args=_v2_theme, allowed=V2_COORDINATOR, method="post"),
        "signalling:theme_merge": Door(args=_v2_theme, allowed=V2_COORDINATOR, method="post"),
        "signalling:theme_respond": Door(args=_v2_theme, allowed=V2_COORDINATOR, method="post"),
        "signalling:theme_ranking": Door(args=_v2_theme, allowed=V2_COORDINATOR),
        "signalling:lcc_list": Door(args=_programme, allowed=V2_COORDINATOR),
        "signalling:lcc": Door(args=_v2_lcc, allowed=V2_COORDINATOR),
        "signalling:lcc_decide": Door(args=_v2_lcc_signal, allowed=V2_COORDINATOR, method="post"),
        "signalling:lcc_record_held": Door(args=_v2_lcc, allowed=V2_COORDINATOR, method="post"),
        "signalling:system_inbox": Door(args=_programme, allowed=V2_SYSTEM),
        "signalling:system_signal": Door(args=_v2_escalated, allowed=V2_SYSTEM),
    }
)


@pytest.mark.parametrize("state", ["new", "in_progress", "escalated_lcc", "no_follow_up"])
def test_a_system_partner_gets_404_for_a_signal_not_escalated_to_them(client, world, state):
    from tests.signalling.helpers import signal_in_state

    signal = signal_in_state(world, state)
    client.force_login(world.system_partner)
    assert client.get(reverse("signalling:system_signal", args=[signal.pk])).status_code == 404


# --- Signals: similar signals and Excel import/export -----------------------------------
# Look-alikes: whoever may see some of the programme's signals (members then only their own
# community's). Linking as known, import and export: the programme's coordinators.
V3_SIMILAR = frozenset({"participant", "lead", "facilitator", "sibling_member", "coordinator"})
V3_COORDINATOR = frozenset({"coordinator"})


def _v3_known_as(w):
    from tests.factories import SignalFactory

    SignalFactory(community=w.sibling, passed=True, title="Eerder signaal")
    return [w.programme.slug, SignalFactory(community=w.community, passed=True).pk]


def _v3_upload(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leerkring.signalling import excel

    upload = SimpleUploadedFile("venster.csv", b"Titel;Omschrijving\nWachtlijst;Lang wachten\n")
    token = excel.upload_store(uploaded=upload, programme=w.programme, by=w.coordinator)
    return [w.programme.slug, token]


MATRIX.update(
    {
        "signalling:similar_signals": Door(args=_programme, allowed=V3_SIMILAR),
        "signalling:signal_mark_known_as": Door(
            args=_v3_known_as, allowed=V3_COORDINATOR, method="post"
        ),
        "signalling:venster_import": Door(args=_programme, allowed=V3_COORDINATOR),
        "signalling:venster_import_map": Door(args=_v3_upload, allowed=V3_COORDINATOR),
        "signalling:venster_export": Door(args=_programme, allowed=V3_COORDINATOR),
    }
)


@pytest.mark.parametrize("visitor", ["participant", "sibling_member", "foreign_member"])
def test_a_member_asks_for_look_alikes_only_in_their_own_community(client, world, visitor):
    client.force_login(getattr(world, visitor))
    url = reverse("signalling:similar_signals", args=[world.programme.slug])
    response = client.get(url, {"q": "wachtlijst", "community": world.community.pk})
    assert response.status_code == (200 if visitor == "participant" else 403)


# --- Dissemination: products, the catalogue and the knowledge view -------------------------
PRODUCT_MAKERS = frozenset({"participant", "lead", "facilitator", "coordinator"})
PRODUCT_READERS = frozenset({"participant", "lead", "facilitator", "coordinator", "evaluator"})
PRODUCT_EDITORS = frozenset({"lead", "facilitator", "coordinator"})
PROGRAMME_READERS = PRODUCT_READERS | {"sibling_member"}


def _product(w, **kwargs):
    """A product of `world.community`, not shared: its members' (and coordinators') only."""
    from tests.factories import ProductFactory

    return ProductFactory(programme=w.programme, communities=[w.community], **kwargs)


def _product_pk(w):
    return [_product(w).pk]


def _product_file(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leerkring.dissemination.services import product_file_add

    product = _product(w)
    upload = SimpleUploadedFile("routekaart.pdf", b"%PDF-1.4\n%%EOF\n")
    return [product.pk, product_file_add(product=product, upload=upload, by=w.lead).pk]


def _product_link(w):
    product = _product(w)
    return [product.pk, product.links.create(url="https://www.divosa.nl/").pk]


def _product_dissemination(w):
    product = _product(w)
    return [product.pk, product.disseminations.create(channel="website").pk]


MATRIX.update(
    {
        "dissemination:product_create": Door(args=_community, allowed=PRODUCT_MAKERS),
        "dissemination:product": Door(args=_product_pk, allowed=PRODUCT_READERS),
        "dissemination:product_edit": Door(args=_product_pk, allowed=PRODUCT_EDITORS),
        "dissemination:product_status": Door(
            args=_product_pk,
            allowed=PRODUCT_EDITORS,
            method="post",
            data={"status": "in_development"},
        ),
        "dissemination:product_file_add": Door(
            args=_product_pk, allowed=PRODUCT_EDITORS, method="post"
        ),
        "dissemination:product_file": Door(args=_product_file, allowed=PRODUCT_READERS),
        "dissemination:product_file_delete": Door(
            args=_product_file, allowed=PRODUCT_EDITORS, method="post"
        ),
        "dissemination:product_link_add": Door(
            args=_product_pk,
            allowed=PRODUCT_EDITORS,
            method="post",
            data={"url": "https://www.divosa.nl/", "title": "Divosa"},
        ),
        "dissemination:product_link_delete": Door(
            args=_product_link, allowed=PRODUCT_EDITORS, method="post"
        ),
        "dissemination:dissemination_add": Door(
            args=_product_pk,
            allowed=PRODUCT_EDITORS,
            method="post",
            data={"channel": "website", "shared_on": "2025-01-15"},
        ),
        "dissemination:dissemination_delete": Door(
            args=_product_dissemination, allowed=PRODUCT_EDITORS, method="post"
        ),
        "dissemination:catalogue": Door(args=_programme, allowed=PROGRAMME_READERS),
        "dissemination:knowledge": Door(args=_programme, allowed=PROGRAMME_READERS),
    }
)


# --- Evaluation: observations and most-significant-change stories ------------------------
# Observations stay in the background: the programme's evaluators write, its coordinators
# read, members never (not even of the observed community). Stories likewise; the story
# form behind a link is a public door (closed and wrong links: tests/evaluation/).
E1_EVALUATOR = frozenset({"evaluator"})
E1_READERS = frozenset({"coordinator", "evaluator"})


def _e1_meeting(w):
    """A held meeting the community opened to the programme's evaluators."""
    from tests.evaluation.fieldwork_helpers import held_meeting

    return [held_meeting(w.community, open_to_observation=True).pk]


def _e1_observation(w):
    from tests.factories import ObservationFactory

    return [
        ObservationFactory(meeting__community=w.community, meeting__open_to_observation=True).pk
    ]


def _e1_template(w):
    from tests.factories import ObservationQuestionFactory

    return [ObservationQuestionFactory(template__programme=w.programme).template_id]


def _e1_template_copy(w):
    from leerkring.evaluation.models import ObservationTemplate

    builtin = ObservationTemplate.objects.get(programme=None, key="bijlage4")
    return [w.programme.slug, builtin.pk]


def _e1_story(w):
    from tests.factories import ChangeStoryFactory

    return [ChangeStoryFactory(programme=w.programme, community=w.community).pk]


def _e1_link(w):
    from tests.factories import StoryInvitationFactory

    return [w.programme.slug, StoryInvitationFactory(programme=w.programme).pk]


def _e1_link_token(w):
    from leerkring.evaluation import services

    return [services.story_invitation_create(programme=w.programme, title="Verhalen", by=None)[1]]


MATRIX.update(
    {
        "evaluation:observation_list": Door(args=_programme, allowed=E1_READERS),
        "evaluation:observation_templates": Door(args=_programme, allowed=E1_READERS),
        "evaluation:observation_template_copy": Door(
            args=_e1_template_copy, allowed=E1_EVALUATOR, method="post"
        ),
        "evaluation:observation_template": Door(args=_e1_template, allowed=E1_READERS),
        "evaluation:meeting_observations": Door(args=_e1_meeting, allowed=E1_READERS),
        "evaluation:observation_create": Door(args=_e1_meeting, allowed=E1_EVALUATOR),
        "evaluation:observation_detail": Door(args=_e1_observation, allowed=E1_READERS),
        "evaluation:observation_edit": Door(args=_e1_observation, allowed=E1_EVALUATOR),
        "evaluation:story_list": Door(args=_programme, allowed=E1_READERS),
        "evaluation:story_create": Door(args=_programme, allowed=E1_EVALUATOR),
        "evaluation:story_links": Door(args=_programme, allowed=E1_EVALUATOR),
        "evaluation:story_link_toggle": Door(
            args=_e1_link, allowed=E1_EVALUATOR, method="post", data={"action": "close"}
        ),
        "evaluation:story_detail": Door(args=_e1_story, allowed=E1_READERS),
        "evaluation:story_delete": Door(args=_e1_story, allowed=E1_EVALUATOR, method="post"),
        "evaluation:story_submit": Door(args=_e1_link_token, public=True),
        "evaluation:story_thanks": Door(public=True),
    }
)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_observation_posted_by_a_member_is_refused(client, world, method):
    from leerkring.evaluation.models import Observation

    [pk] = _e1_meeting(world)
    client.force_login(world.lead)
    url = reverse("evaluation:observation_create", args=[pk])
    assert getattr(client, method)(url, {"atmosphere": "x"}).status_code == 403
    assert not Observation.objects.exists()


# --- Evaluation: the CoP monitor --------------------------------------------------------
# The matrix is for the programme's coordinators and evaluators; a community's own monitor
# also for its lead and facilitator. Participants, members of other communities, system
# partners and the other programme's coordinator never see a monitor.
E2_MATRIX = frozenset({"coordinator", "evaluator"})
E2_COMMUNITY = frozenset({"lead", "facilitator", "coordinator", "evaluator"})

MATRIX.update(
    {
        "evaluation:programme_monitor": Door(args=_programme, allowed=E2_MATRIX),
        "evaluation:community_monitor": Door(args=_community, allowed=E2_COMMUNITY),
    }
)


# --- Search: one box over everything a person may see ------------------------------------
# Every signed-in person may search; what they find is filtered per source
# (tests/search/test_search_confidentiality.py tries the forbidden doors through it).
MATRIX.update(
    {
        "search:search": Door(allowed=PUBLIC - {"anonymous"}),
    }
)


# --- Dissemination: newsletters, issues and subscribers ------------------------------------
# Members-only newsletters are for the programme's readers (members of its communities,
# coordinators, evaluators); system partners and other programmes stay out. Signing up,
# confirming and unsubscribing through a signed link are public doors.
NEWSLETTER_READERS = frozenset(
    {"participant", "lead", "facilitator", "sibling_member", "coordinator", "evaluator"}
)
COMMUNITY_LETTER_EDITORS = frozenset({"lead", "coordinator"})


def _programme_letter(w):
    from tests.factories import NewsletterFactory

    return NewsletterFactory(programme=w.programme, is_public=False)


def _community_letter(w):
    from tests.factories import NewsletterFactory

    return NewsletterFactory(programme=w.programme, community=w.community, is_public=False)


def _n_letter(w):
    return [_programme_letter(w).pk]


def _n_community_letter(w):
    return [_community_letter(w).pk]


def _n_draft_and_item(w):
    from leerkring.dissemination.models import IssueItem
    from tests.factories import IssueFactory

    issue = IssueFactory(newsletter=_community_letter(w))
    item = IssueItem.objects.create(issue=issue, kind="text", title="Welkom", body="Tekst")
    return issue, item


def _n_draft(w):
    return [_n_draft_and_item(w)[0].pk]


def _n_item(w):
    issue, item = _n_draft_and_item(w)
    return [issue.pk, item.pk]


def _n_sent_issue(w):
    from django.utils import timezone

    from tests.factories import IssueFactory

    issue = IssueFactory(
        newsletter=_programme_letter(w), status="sent", published_at=timezone.now()
    )
    return [issue.pk]


def _n_subscriber(w):
    from tests.factories import NewsletterFactory, SubscriberFactory

    return SubscriberFactory(newsletter=NewsletterFactory(programme=w.programme, is_public=True))


def _n_confirm_token(w):
    from leerkring.dissemination.newsletter import confirm_token

    return [confirm_token(_n_subscriber(w))]


def _n_unsubscribe_token(w):
    from leerkring.dissemination.newsletter import unsubscribe_token

    return [unsubscribe_token(_n_subscriber(w))]


MATRIX.update(
    {
        "dissemination:newsletters": Door(args=_programme, public=True),
        "dissemination:newsletter_create": Door(args=_programme, allowed=COMMUNITY_LETTER_EDITORS),
        "dissemination:newsletter": Door(args=_n_letter, allowed=NEWSLETTER_READERS),
        "dissemination:newsletter_edit": Door(args=_n_letter, allowed=frozenset({"coordinator"})),
        "dissemination:newsletter_subscribers": Door(
            args=_n_community_letter, allowed=frozenset({"coordinator"})
        ),
        "dissemination:newsletter_optin": Door(
            args=_n_letter, allowed=NEWSLETTER_READERS, method="post"
        ),
        "dissemination:newsletter_subscribe": Door(args=_n_letter, allowed=NEWSLETTER_READERS),
        "dissemination:newsletter_confirm": Door(args=_n_confirm_token, public=True),
        "dissemination:newsletter_unsubscribe": Door(args=_n_unsubscribe_token, public=True),
        "dissemination:issue_create": Door(
            args=_n_community_letter, allowed=COMMUNITY_LETTER_EDITORS
        ),
        "dissemination:issue": Door(args=_n_sent_issue, allowed=NEWSLETTER_READERS),
        "dissemination:issue_edit": Door(args=_n_draft, allowed=COMMUNITY_LETTER_EDITORS),
        "dissemination:issue_picks": Door(
            args=_n_draft, allowed=COMMUNITY_LETTER_EDITORS, method="post"
        ),
        "dissemination:issue_item_add": Door(
            args=_n_draft,
            allowed=COMMUNITY_LETTER_EDITORS,
            method="post",
            data={"text-title": "Eigen tekst", "text-body": "Welkom"},
        ),
        "dissemination:issue_item_edit": Door(
            args=_n_item,
            allowed=COMMUNITY_LETTER_EDITORS,
            method="post",
            data={"item-title": "Welkom", "item-body": "Anders"},
        ),
        "dissemination:issue_item_move": Door(
            args=_n_item, allowed=COMMUNITY_LETTER_EDITORS, method="post", data={"direction": "up"}
        ),
        "dissemination:issue_item_delete": Door(
            args=_n_item, allowed=COMMUNITY_LETTER_EDITORS, method="post"
        ),
        "dissemination:issue_preview": Door(args=_n_draft, allowed=COMMUNITY_LETTER_EDITORS),
        "dissemination:issue_publish": Door(
            args=_n_draft, allowed=COMMUNITY_LETTER_EDITORS, method="post"
        ),
        "dissemination:issue_send_resume": Door(
            args=_n_draft, allowed=COMMUNITY_LETTER_EDITORS, method="post"
        ),
        "dissemination:issue_mail_resend": Door(
            args=_n_draft, allowed=COMMUNITY_LETTER_EDITORS, method="post"
        ),
    }
)


# --- Evaluation: reports ----------------------------------------------------------------------
# A community's report for its lead and facilitator and the programme's coordinators and
# evaluators; a programme's report for its coordinators and evaluators. Participants, system
# partners and other programmes' coordinators get nothing.
REPORT_COMMUNITY_READERS = frozenset({"lead", "facilitator", "coordinator", "evaluator"})
REPORT_PROGRAMME_READERS = frozenset({"coordinator", "evaluator"})

MATRIX.update(
    {
        "evaluation:community_report": Door(args=_community, allowed=REPORT_COMMUNITY_READERS),
        "evaluation:community_report_pdf": Door(args=_community, allowed=REPORT_COMMUNITY_READERS),
        "evaluation:community_report_xlsx": Door(args=_community, allowed=REPORT_COMMUNITY_READERS),
        "evaluation:programme_report": Door(args=_programme, allowed=REPORT_PROGRAMME_READERS),
        "evaluation:programme_report_communities": Door(
            args=_programme, allowed=REPORT_PROGRAMME_READERS
        ),
        "evaluation:programme_report_pdf": Door(args=_programme, allowed=REPORT_PROGRAMME_READERS),
        "evaluation:programme_report_xlsx": Door(args=_programme, allowed=REPORT_PROGRAMME_READERS),
    }
)


# --- API tokens and webhooks (the pages; the API itself has its own matrix) -------------
# Everyone signed in keeps their own tokens (another person's token is a 404); a programme's
# webhooks are for its coordinators.
WEBHOOK_MANAGERS = frozenset({"coordinator"})


def _own_token(w):
    from leerkring.api import services

    token, _raw = services.token_create(
        user=w.participant, name="Koppeling", access="read", days=30
    )
    return [token.pk]


def _webhook(w):
    from leerkring.api import services

    subscription = services.webhook_subscribe(
        programme=w.programme,
        url="https://hooks.example.org/leerkring",
        events=["signal.answered"],
        by=w.coordinator,
    )
    return [subscription.pk]


# --- Public knowledge base --------------------------------------------------------------------
# The public pages are open doors that show only what is published (their content rules are
# tested in tests/publishing/). Proposing is for the community's lead and facilitator; a
# proposal is followed by the members of its community and the programme's coordinators;
# approving is for a coordinator who did not propose it.
KB_MEMBERS = frozenset({"participant", "lead", "facilitator"})
KB_GUIDES = frozenset({"lead", "facilitator"})
KB_FOLLOWERS = KB_MEMBERS | {"coordinator"}


def _kb_lesson(w):
    from leerkring.meetings.models import Lesson
    from tests.factories import MeetingFactory

    return Lesson.objects.create(
        meeting=MeetingFactory(community=w.community),
        community=w.community,
        text="Een vaste contactpersoon scheelt weken.",
        shareable=True,
    )


def _kb_product(w):
    from tests.factories import ProductFactory

    return ProductFactory(programme=w.programme, communities=[w.community], shareable=True)


def _kb_published(w):
    from tests.factories import PublicationFactory

    return PublicationFactory(community=w.community)


def _kb_proposal(w):
    from leerkring.publishing import services

    return services.publication_propose(
        community=w.community, lesson=_kb_lesson(w), by=w.lead, title="Contactpersoon", body="Tekst"
    )


def _kb_product_with_file(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leerkring.dissemination import services as dissemination_services
    from leerkring.publishing import services
    from tests.factories import ProductFactory

    product = ProductFactory(programme=w.programme, communities=[w.community], shareable=True)
    upload = SimpleUploadedFile("kaart.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    file = dissemination_services.product_file_add(product=product, upload=upload, by=w.lead)
    publication = services.publication_propose(
        community=w.community, product=product, by=w.lead, title="Kaart", body="Tekst", files=[file]
    )
    services.publication_approve(publication=publication, by=w.coordinator)
    return [w.programme.slug, publication.public_id, publication.files.get().public_id]


MATRIX.update(
    {
        "integrations:tokens": Door(allowed=PUBLIC - {"anonymous"}),
        "integrations:token_revoke": Door(
            args=_own_token, allowed=frozenset({"participant"}), method="post"
        ),
        "integrations:webhooks": Door(args=_programme, allowed=WEBHOOK_MANAGERS),
        "integrations:webhook": Door(args=_webhook, allowed=WEBHOOK_MANAGERS),
        "integrations:webhook_secret": Door(args=_webhook, allowed=WEBHOOK_MANAGERS, method="post"),
        "integrations:webhook_delete": Door(args=_webhook, allowed=WEBHOOK_MANAGERS, method="post"),
        "publishing:public_index": Door(public=True),
        "publishing:public_programme": Door(args=_programme, public=True),
        "publishing:public_feed_atom": Door(args=_programme, public=True),
        "publishing:public_feed_rss": Door(args=_programme, public=True),
        "publishing:public_item": Door(
            args=lambda w: [w.programme.slug, _kb_published(w).public_id], public=True
        ),
        "publishing:public_file": Door(args=_kb_product_with_file, public=True),
        "publishing:propose_lesson": Door(
            args=lambda w: [w.community.pk, _kb_lesson(w).pk], allowed=KB_GUIDES
        ),
        "publishing:propose_product": Door(
            args=lambda w: [w.community.pk, _kb_product(w).pk],
            allowed=KB_GUIDES,
        ),
        "publishing:publication": Door(args=lambda w: [_kb_proposal(w).pk], allowed=KB_FOLLOWERS),
        "publishing:approve": Door(
            args=lambda w: [_kb_proposal(w).pk],
            allowed=frozenset({"coordinator"}),
            method="post",
        ),
        "publishing:decline": Door(
            args=lambda w: [_kb_proposal(w).pk],
            allowed=frozenset({"coordinator"}),
            method="post",
            data={"reason": "Maak het algemener."},
        ),
        "publishing:withdraw": Door(
            args=lambda w: [_kb_proposal(w).pk],
            allowed=KB_GUIDES | {"coordinator"},
            method="post",
        ),
        "publishing:credit": Door(
            args=lambda w: [_kb_published(w).pk],
            allowed=KB_MEMBERS,
            method="post",
            data={"named": "1"},
        ),
        "publishing:review": Door(args=_programme, allowed=frozenset({"coordinator"})),
    }
)


# --- Programme events -------------------------------------------------------------------------
# An event of the programme for its members (anyone in one of its communities, its coordinators
# and evaluators; not system partners); planning, changing and wrapping up for its coordinators;
# a joint session for the leads and facilitators of the communities that plan it. The public
# page and the e-mailed links are open doors (their tokens are tested in tests/events/).
EV_MEMBERS = frozenset(
    {"participant", "lead", "facilitator", "sibling_member", "coordinator", "evaluator"}
)
EV_COORDINATOR = frozenset({"coordinator"})


def _ev_event(w, **kwargs):
    from tests.factories import EventFactory

    return EventFactory(
        programme=w.programme, audience=kwargs.pop("audience", "programme"), **kwargs
    )


def _ev_members_event(w):
    return [_ev_event(w).pk]


def _ev_draft(w):
    return [_ev_event(w, status="draft").pk]


def _ev_awaiting(w):
    event = _ev_event(w, audience="public", status="awaiting_approval")
    event.submitted_by = w.lead
    event.save()
    return [event.pk]


def _ev_joint_asked(w):
    """A joint session proposed by another community of the programme, asking this one."""
    from leerkring.events import services
    from tests.factories import MembershipFactory

    sibling_lead = MembershipFactory(community=w.sibling, role="lead").person.user
    event = services.joint_session_propose(
        community=w.sibling,
        partners=[w.community],
        by=sibling_lead,
        **{
            name: getattr(_ev_event(w, status="draft"), name)
            for name in ("title", "audience", "format", "online_url", "starts_at", "ends_at")
        },
    )
    return [event.pk, w.community.pk]


def _ev_registered(w):
    from leerkring.events import services

    event = _ev_event(w)
    services.registration_member(event=event, person=w.participant_m.person, by=None)
    return [event.pk]


def _ev_public(w):
    return [w.programme.slug, _ev_event(w, audience="public").public_id]


MATRIX.update(
    {
        "events:event_list": Door(args=_programme, allowed=EV_MEMBERS),
        "events:event_create": Door(args=_programme, allowed=EV_COORDINATOR),
        "events:joint_session_create": Door(args=_community, allowed=MEETING_PLANNERS),
        "events:event": Door(args=_ev_members_event, allowed=EV_MEMBERS),
        "events:event_edit": Door(args=_ev_members_event, allowed=EV_COORDINATOR),
        "events:event_announce": Door(args=_ev_draft, allowed=EV_COORDINATOR, method="post"),
        "events:event_approve": Door(args=_ev_awaiting, allowed=EV_COORDINATOR, method="post"),
        "events:event_cancel": Door(args=_ev_members_event, allowed=EV_COORDINATOR),
        "events:joint_answer": Door(
            args=_ev_joint_asked, allowed=MEETING_PLANNERS, method="post", data={"answer": "accept"}
        ),
        "events:event_register": Door(args=_ev_members_event, allowed=EV_MEMBERS, method="post"),
        "events:event_unregister": Door(args=_ev_members_event, allowed=EV_MEMBERS, method="post"),
        "events:event_ics": Door(args=_ev_registered, allowed=frozenset({"participant"})),
        "events:registrations": Door(args=_ev_members_event, allowed=EV_COORDINATOR),
        "events:registrations_csv": Door(args=_ev_members_event, allowed=EV_COORDINATOR),
        "events:wrap_up": Door(args=_ev_members_event, allowed=EV_COORDINATOR),
        "events:public_event_list": Door(args=_programme, public=True),
        "events:public_event": Door(args=_ev_public, public=True),
        "events:confirm": Door(args=lambda w: ["no-such-token"], public=True),
        "events:manage": Door(args=lambda w: ["no-such-token"], public=True),
        "events:manage_ics": Door(args=lambda w: ["no-such-token"], public=True),
    }
)

# --- Network of leads and facilitators ------------------------------------------------------
# Closed like a community: its members are today's leads and facilitators of the programme
# (and whoever they invited); the programme's coordinators see its shape and set it up.
NW_MEMBERS = frozenset({"lead", "facilitator"})


def _nw_network(w):
    from leerkring.network import services

    return services.network_create(programmes=[w.programme], name="Netwerk", by=w.coordinator)


def _nw(w):
    return [_nw_network(w).pk]


def _nw_thread(w):
    from leerkring.network import services

    network = _nw_network(w)
    thread = services.network_thread_start(network=network, title="Rol", body="Tekst", by=w.lead)
    return [network.pk, thread.pk]


def _nw_invited_evaluator(w):
    from leerkring.network import services

    network = _nw_network(w)
    member = services.network_member_add(network=network, person=w.evaluator.person, by=w.lead)
    return [network.pk, member.pk]


def _nw_document(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leerkring.network import services

    network = _nw_network(w)
    upload = SimpleUploadedFile(
        "werkvorm.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
    )
    document = services.network_document_add(
        network=network, upload=upload, title="Werkvorm", by=w.lead
    )
    return [network.pk, document.pk]


MATRIX.update(
    {
        "network:network_list": Door(args=_programme, allowed=NW_MEMBERS | {"coordinator"}),
        "network:network_create": Door(args=_programme, allowed=frozenset({"coordinator"})),
        "network:network": Door(args=_nw, allowed=NW_MEMBERS | {"coordinator"}),
        "network:thread_start": Door(
            args=_nw, allowed=NW_MEMBERS, method="post", data={"title": "Vraag", "body": "Wie?"}
        ),
        "network:thread": Door(args=_nw_thread, allowed=NW_MEMBERS),
        "network:members": Door(args=_nw, allowed=NW_MEMBERS),
        "network:member_add": Door(args=_nw, allowed=NW_MEMBERS, method="post"),
        # The invited evaluator may leave; the members may take them out.
        "network:member_remove": Door(
            args=_nw_invited_evaluator, allowed=NW_MEMBERS | {"evaluator"}, method="post"
        ),
        "network:document_add": Door(args=_nw, allowed=NW_MEMBERS, method="post"),
        "network:document": Door(args=_nw_document, allowed=NW_MEMBERS),
        "network:document_delete": Door(args=_nw_document, allowed=NW_MEMBERS, method="post"),
        "network:notifications": Door(
            args=_nw, allowed=NW_MEMBERS, method="post", data={"mode": "off"}
        ),
    }
)

# The Django admin is for the administrator (is_staff) only and guards itself; its patterns
# are checked once, below, rather than one by one. The JSON API answers with 401 instead of
# the sign-in page and has its own matrix: tests/api/test_api_permission_matrix.py.
SELF_GUARDED_NAMESPACES = {"admin", "api"}


def _all_url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in SELF_GUARDED_NAMESPACES:
                continue
            names |= _all_url_names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
        elif isinstance(pattern, URLPattern):
            names.add(f"{prefix}<unnamed {pattern.pattern}>")
    return names


def test_every_url_pattern_is_in_the_matrix():
    missing = _all_url_names() - set(MATRIX)
    assert not missing, f"URL patterns without a row in the permission matrix: {sorted(missing)}"


def test_the_matrix_names_no_url_that_does_not_exist():
    stale = set(MATRIX) - _all_url_names()
    assert not stale, f"Matrix rows for URLs that no longer exist: {sorted(stale)}"


def _visit(client, world, name: str, visitor: str):
    door = MATRIX[name]
    if visitor != "anonymous":
        client.force_login(getattr(world, visitor))
    url = reverse(name, args=door.args(world))
    return getattr(client, door.method)(url, door.data), url


def pytest_generate_tests(metafunc):
    """Parametrise `test_door` only once the whole module is loaded, so a `MATRIX.update`
    block anywhere in this file is tried, wherever it stands."""
    if metafunc.function.__name__ == "test_door":
        metafunc.parametrize("name", sorted(MATRIX))


def _verdict(door: Door, visitor: str, response, url: str) -> str | None:
    """What is wrong with this visitor's answer at this door, or None."""
    status = response.status_code
    if status >= 500:
        return f"{visitor} at {url}: server error {status}"
    if door.public:
        return f"{visitor} at public {url}: 403" if status == 403 else None
    if visitor in door.allowed:
        if status not in (200, 204, 302, 303):
            return f"{visitor} should pass {url}, got {status}"
        if status in (302, 303) and reverse("accounts:login") in response["Location"]:
            return f"{visitor} should pass {url}, was sent to sign in"
        return None
    if visitor == "anonymous":
        if status == 302 and response["Location"].startswith(reverse("accounts:login")):
            return None
        return f"anonymous at {url} should be sent to sign in, got {status}"
    if status not in (403, 404):
        return f"{visitor} must not pass {url}, got {status}"
    return None


def test_door(world, name):
    """Every kind of visitor knocks at this door. Each visit runs in a savepoint that is rolled
    back, so one visitor's POST cannot change what the next one finds, while the network is
    built once per door rather than once per visitor."""
    door = MATRIX[name]
    failures = []
    for visitor in VISITORS:
        with transaction.atomic():
            response, url = _visit(Client(), world, name, visitor)
            problem = _verdict(door, visitor, response, url)
            transaction.set_rollback(True)
        if problem:
            failures.append(problem)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("visitor", VISITORS)
def test_only_staff_enter_the_admin(client, world, visitor):
    if visitor != "anonymous":
        client.force_login(getattr(world, visitor))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_enter_the_admin(client, world):
    world.nobody.is_staff = True
    world.nobody.is_superuser = True
    world.nobody.save()
    client.force_login(world.nobody)
    assert client.get(reverse("admin:index")).status_code == 200


# --- Accounts: second factor (django-allauth mfa) --------------------------------------------
# Everyone signed in manages their own second factors; pages about a factor that exists (its
# codes, a key) serve only its owner — here the participant — and answer 404 to anyone else.
SIGNED_IN = PUBLIC - {"anonymous"}
OWNER = frozenset({"participant"})


def _participant_factors(w) -> list:
    """Give the participant an authenticator app, recovery codes and a security key."""
    from allauth.mfa.models import Authenticator

    from leerkring.accounts import second_factor

    second_factor.totp_activate_with_secret(
        user=w.participant, secret=second_factor.DEMO_TOTP_SECRET
    )
    key = Authenticator.objects.create(
        user=w.participant, type=Authenticator.Type.WEBAUTHN, data={"name": "Sleutelbos"}
    )
    return [key.pk]


def _participant_factors_no_args(w) -> list:
    _participant_factors(w)
    return []


MATRIX.update(
    {
        "account_login": Door(public=True),
        "account_logout": Door(public=True, method="post"),
        "account_inactive": Door(public=True),
        "account_reauthenticate": Door(allowed=SIGNED_IN),
        "accounts:second_factor_setup": Door(allowed=SIGNED_IN),
        # Only reachable half-way through signing in; everyone else is sent to sign in.
        "mfa_authenticate": Door(public=True),
        "mfa_index": Door(allowed=SIGNED_IN),
        "mfa_reauthenticate": Door(allowed=SIGNED_IN),
        "mfa_activate_totp": Door(allowed=SIGNED_IN),
        "mfa_deactivate_totp": Door(args=_participant_factors_no_args, allowed=OWNER),
        "mfa_view_recovery_codes": Door(args=_participant_factors_no_args, allowed=OWNER),
        "mfa_download_recovery_codes": Door(args=_participant_factors_no_args, allowed=OWNER),
        # Without an app or key it explains that codes come with one.
        "mfa_generate_recovery_codes": Door(allowed=SIGNED_IN),
        "mfa_list_webauthn": Door(allowed=SIGNED_IN),
        "mfa_add_webauthn": Door(allowed=SIGNED_IN),
        "mfa_reauthenticate_webauthn": Door(allowed=SIGNED_IN),
        "mfa_edit_webauthn": Door(args=_participant_factors, allowed=OWNER),
        "mfa_remove_webauthn": Door(args=_participant_factors, allowed=OWNER),
    }
)


# --- Accounts: sign-in with an organisation's account (OpenID Connect) ------------------------
# Steps of signing in: open to anyone, and they decide nothing by themselves (an unknown
# provider is a 404, a callback without the sign-in's state an error page).
MATRIX.update(
    {
        "openid_connect_login": Door(public=True, args=lambda w: ["gemeente"], method="post"),
        "openid_connect_callback": Door(public=True, args=lambda w: ["gemeente"]),
        "socialaccount_login_cancelled": Door(public=True),
        "socialaccount_login_error": Door(public=True),
        "socialaccount_signup": Door(public=True),
    }
)


# --- Accounts: Mijn gegevens -----------------------------------------------------------------
# Every page is about the signed-in person's own account. Ending a session takes the session's
# id: only its owner (here the participant) may, anyone else gets a 404.


def _participant_session(w) -> list:
    from allauth.usersessions.models import UserSession

    session = UserSession.objects.create(
        user=w.participant, session_key="matrix-session-key", ip="192.0.2.1", user_agent="Test"
    )
    return [session.pk]


MATRIX.update(
    {
        "accounts:me": Door(allowed=SIGNED_IN),
        "accounts:password_change": Door(allowed=SIGNED_IN),
        "accounts:sessions": Door(allowed=SIGNED_IN),
        "accounts:session_end": Door(args=_participant_session, allowed=OWNER, method="post"),
        "accounts:sessions_end_others": Door(allowed=SIGNED_IN, method="post"),
        "accounts:export": Door(allowed=SIGNED_IN, method="post"),
        # A coordinator who is the programme's only one is told to hand the role over first.
        "accounts:erase": Door(allowed=SIGNED_IN),
    }
)
