"""A small questionnaire with every kind of question, and helpers to answer it, for the tests
of waves, invitations and the respondent's form."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from leerkring.surveys import ballots, services
from leerkring.surveys.models import Question
from tests import factories


def survey(programme) -> SimpleNamespace:
    """V1 which community, V2 multiple with "anders", V3 multiple (required), V4 pick at most
    2 from V3, V5 open (required), V6 matrix with two statements (required)."""
    q = factories.QuestionnaireFactory(programme=programme, title="Thermometer")
    part_a = factories.SectionFactory(questionnaire=q, title="Deelname", position=1)
    part_b = factories.SectionFactory(questionnaire=q, title="Opbrengsten", position=2)
    s = SimpleNamespace(questionnaire=q)
    s.v1 = factories.QuestionFactory(
        questionnaire=q, section=part_a, code="V1", kind=Question.Kind.COMMUNITY, required=True
    )
    s.v2 = factories.QuestionFactory(
        questionnaire=q, section=part_a, code="V2", kind=Question.Kind.MULTIPLE
    )
    s.v2_a = factories.OptionFactory(question=s.v2, label="Reflecteren")
    s.v2_other = factories.OptionFactory(question=s.v2, label="Anders, namelijk", is_other=True)
    s.v3 = factories.QuestionFactory(
        questionnaire=q, section=part_b, code="V3", kind=Question.Kind.MULTIPLE, required=True
    )
    s.v3_opts = [factories.OptionFactory(question=s.v3, label=f"Opbrengst {i}") for i in range(4)]
    s.v4 = factories.QuestionFactory(
        questionnaire=q,
        section=part_b,
        code="V4",
        kind=Question.Kind.PICK_FROM,
        source_question=s.v3,
        max_picks=2,
        required=True,
    )
    s.v5 = factories.QuestionFactory(
        questionnaire=q, section=part_b, code="V5", kind=Question.Kind.OPEN, required=True
    )
    s.v6 = factories.QuestionFactory(
        questionnaire=q, section=part_b, code="V6", kind=Question.Kind.MATRIX, required=True
    )
    s.v6_a = factories.StatementFactory(question=s.v6, text="Ik voel me verantwoordelijk")
    s.v6_b = factories.StatementFactory(question=s.v6, text="Ik heb invloed")
    return s


def good_answers(s, community=None) -> dict:
    data = {
        f"q{s.v2.pk}": [str(s.v2_a.pk)],
        f"q{s.v3.pk}": [str(s.v3_opts[0].pk), str(s.v3_opts[1].pk), str(s.v3_opts[2].pk)],
        f"q{s.v4.pk}": [str(s.v3_opts[0].pk), str(s.v3_opts[2].pk)],
        f"q{s.v5.pk}": "Ik bel nu eerder met het taalhuis.",
        f"q{s.v6.pk}-s{s.v6_a.pk}": "2",
        f"q{s.v6.pk}-s{s.v6_b.pk}": "4",
    }
    if community is not None:
        data[f"q{s.v1.pk}"] = str(community.pk)
    return data


def wave_for(world, s, **kwargs):
    wave = factories.WaveFactory(questionnaire=s.questionnaire, programme=world.programme, **kwargs)
    return wave


def links_by_address() -> dict[str, str]:
    """The /s/<token>/ path per recipient of the e-mails sent so far (the latest wins)."""
    links = {}
    for message in mail.outbox:
        match = re.search(r"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", message.body)
        if match:
            links[message.to[0]] = match.group(1)
    return links


def committed():
    """Run the e-mails queued for after the commit (pytest-django wraps tests in one)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def open_form(client, link: str) -> str:
    """Open an e-mailed link as a respondent does: the token is exchanged for a key in a
    cookie and the form continues at an address without a token, which is returned."""
    response = client.get(link)
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("surveys:respond_form")
    return response["Location"]


def answer(client, link: str, data: dict):
    """Open the link and send the form; returns the response to the sending."""
    return client.post(open_form(client, link), data)


def release_all(wave) -> int:
    """Release whatever waits for a batch, as happens when the wave closes."""
    return ballots.wave_release(wave=wave, today=wave.closes_on + datetime.timedelta(days=1))


def send(wave, by=None) -> dict[str, str]:
    with committed():
        services.wave_invitations_send(wave=wave, by=by)
    return links_by_address()
