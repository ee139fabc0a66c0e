"""Anonymous by construction (DESIGN.md §2, docs/privacy.md): a stored response has no way
back to the invitation or the person, and no time finer than its wave."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import models

from leerkring.accounts.models import Invitation as AccountInvitation
from leerkring.communities.models import Membership, Organisation, Person
from leerkring.core.models import AuditEvent
from leerkring.surveys.models import Answer, Invitation, Response
from tests.surveys.waves_helpers import good_answers, open_form, release_all, send, survey, wave_for

FORBIDDEN_TARGETS = {
    Invitation,
    Person,
    Membership,
    Organisation,
    AccountInvitation,
    AuditEvent,
}


def _forbidden_models() -> set[type[models.Model]]:
    from django.apps import apps

    return FORBIDDEN_TARGETS | {apps.get_model(settings.AUTH_USER_MODEL)}


@pytest.mark.parametrize("model", [Response, Answer])
def test_responses_and_answers_point_at_no_person_or_invitation(model):
    for field in model._meta.get_fields():
        target = getattr(field, "related_model", None)
        assert target not in _forbidden_models(), f"{model.__name__}.{field.name} -> {target}"


@pytest.mark.parametrize("model", [Response, Answer])
def test_responses_and_answers_have_no_time(model):
    for field in model._meta.get_fields():
        assert not isinstance(field, models.DateField | models.TimeField | models.DurationField), (
            f"{model.__name__}.{field.name} is a time field"
        )


@pytest.mark.parametrize("model", [Response, Answer])
def test_responses_and_answers_have_only_the_known_fields(model):
    """A new field on Response or Answer must be judged for anonymity before it is added."""
    known = {
        Response: {"id", "wave", "community", "answers"},
        Answer: {"id", "response", "question", "option", "statement", "community"}
        | {"scale_value", "text"},
    }[model]
    assert {f.name for f in model._meta.get_fields()} == known


def test_the_invitation_keeps_only_whether_someone_answered():
    names = {f.name for f in Invitation._meta.get_fields()}
    assert not names & {"response", "responses", "answered_at", "submitted_at"}
    assert isinstance(Invitation._meta.get_field("answered"), models.BooleanField)


@pytest.mark.django_db
def test_answering_leaves_no_trace_linking_the_response_to_the_invitation(client, world):
    s = survey(world.programme)
    wave = wave_for(world, s)
    wave.communities.set([world.community])
    link = send(wave)[world.participant_m.person.email]
    invitation = Invitation.objects.filter(email=world.participant_m.person.email)
    form = open_form(client, link)
    before = invitation.values().get()
    events_before = AuditEvent.objects.count()
    client.post(form, good_answers(s))
    # Sending changes nothing on the invitation, and writes no audit row (it would carry a
    # time and the invitation next to the response).
    assert invitation.values().get() == before
    assert AuditEvent.objects.count() == events_before
    release_all(wave)
    response = Response.objects.get()
    assert AuditEvent.objects.count() == events_before
    # Of the invitation only "answered" changed, on release: no time, no reference.
    after = invitation.values().get()
    assert {k for k in after if after[k] != before[k]} == {"answered"}
    # The response id appears on no page the evaluator sees.
    client.force_login(world.evaluator)
    from django.urls import reverse

    page = client.get(reverse("surveys:wave_detail", args=[wave.pk])).content.decode()
    assert f"#{response.pk}" not in page
