"""Sent answers wait sealed and reach the results only in batches (surveys/ballots.py):
sending writes one row and touches no invitation; releases move every community's count by
zero or by at least the threshold; the invitations of a batch are marked in a transaction of
their own."""

from __future__ import annotations

import datetime
import hashlib
import json
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerkring.surveys import ballots
from leerkring.surveys.models import Answer, Invitation, PendingResponse, Response
from leerkring.surveys.results import group_threshold
from tests import factories


@pytest.fixture
def setup(world):
    wave = factories.WaveFactory(
        questionnaire=factories.QuestionnaireFactory(programme=world.programme),
        programme=world.programme,
    )
    question = factories.QuestionFactory(questionnaire=wave.questionnaire, kind="open", code="V1")
    return wave, question


def invite(wave, community, n, start=0):
    return [
        Invitation.objects.create(
            wave=wave,
            email=f"p{start + i}-{community.pk if community else 'x'}@example.org",
            community=community,
            token_hash=hashlib.sha256(f"{community}-{start + i}".encode()).hexdigest(),
            sent_at=timezone.now(),
        )
        for i in range(n)
    ]


def send(wave, question, invitation, text="Antwoord"):
    ballots.pending_store(
        wave=wave,
        invitation=invitation,
        community_id=invitation.community_id if invitation else None,
        answers=[{"question_id": question.pk, "text": text}],
    )


def test_sending_writes_one_sealed_row_and_touches_no_invitation(setup, world):
    wave, question = setup
    (invitation,) = invite(wave, world.community, 1)
    with CaptureQueriesContext(connection) as queries:
        send(wave, question, invitation, text="Ik bel nu eerder met het taalhuis.")
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 1 and "surveys_pendingresponse" in writes[0]
    row = PendingResponse.objects.get()
    assert "taalhuis" not in row.sealed
    assert row.ballot and row.ballot != invitation.token_hash
    invitation.refresh_from_db()
    assert invitation.answered is False
    assert Response.objects.count() == 0


def test_every_waiting_response_seals_to_the_same_size(setup, world):
    wave, question = setup
    short, long = invite(wave, world.community, 2)
    send(wave, question, short, text="Ja.")
    send(wave, question, long, text="Een lang verhaal over de taalschool. " * 200)
    assert len({len(row.sealed) for row in PendingResponse.objects.all()}) == 1


def test_an_invitation_sends_once_while_its_answers_wait(setup, world):
    wave, question = setup
    (invitation,) = invite(wave, world.community, 1)
    send(wave, question, invitation)
    assert ballots.is_pending(invitation)
    with pytest.raises(ballots.AlreadySent):
        send(wave, question, invitation)
    assert PendingResponse.objects.count() == 1


def test_nothing_is_released_below_twice_the_threshold(setup, world):
    wave, question = setup
    threshold = group_threshold(world.programme)
    for invitation in invite(wave, world.community, 2 * threshold - 1):
        send(wave, question, invitation)
        assert ballots.wave_release(wave=wave) == 0
    assert Response.objects.count() == 0
    assert not Invitation.objects.filter(answered=True).exists()


def test_a_release_keeps_the_threshold_back_and_marks_exactly_the_released(setup, world):
    wave, question = setup
    threshold = group_threshold(world.programme)
    invitations = invite(wave, world.community, 2 * threshold)
    for i, invitation in enumerate(invitations):
        send(wave, question, invitation, text=f"antwoord {i}")
    assert ballots.wave_release(wave=wave) == threshold
    assert Response.objects.filter(wave=wave).count() == threshold
    assert PendingResponse.objects.count() == threshold
    answered = set(Invitation.objects.filter(answered=True).values_list("pk", flat=True))
    assert len(answered) == threshold
    released = {a.text for a in Answer.objects.all()}
    # The released texts are exactly those of the invitations marked answered.
    assert released == {f"antwoord {i}" for i, inv in enumerate(invitations) if inv.pk in answered}
    assert not any(ballots.is_pending(inv) for inv in invitations if inv.pk in answered)


def test_the_last_release_when_the_wave_closes_takes_everything(setup, world):
    wave, question = setup
    threshold = group_threshold(world.programme)
    for invitation in invite(wave, world.community, 2 * threshold + 2):
        send(wave, question, invitation)
    ballots.wave_release(wave=wave)
    assert PendingResponse.objects.count() == threshold
    after_close = wave.closes_on + datetime.timedelta(days=1)
    assert ballots.waves_release_due(today=after_close) == threshold
    assert PendingResponse.objects.count() == 0
    assert Response.objects.count() == 2 * threshold + 2
    assert Invitation.objects.filter(answered=False).count() == 0


def test_counts_per_community_never_move_by_less_than_the_threshold(setup, world):
    """A random order of sends from three groups (two communities and the address list),
    with a release after every send and a last one at closing: every community's number of
    responses moves by zero or by at least the threshold, each time. A group that never
    reaches the threshold appears whole at closing — and stays hidden in the results."""
    wave, question = setup
    threshold = group_threshold(world.programme)
    invitations = (
        invite(wave, world.community, 13)
        + invite(wave, world.sibling, 7)
        + invite(wave, None, 4, start=100)
    )
    random.Random(7).shuffle(invitations)

    def counts():
        return Counter(Response.objects.values_list("community_id", flat=True))

    before = counts()
    moves = []
    for invitation in invitations:
        send(wave, question, invitation)
        ballots.wave_release(wave=wave)
        after = counts()
        moves += [(key, after[key] - before[key]) for key in set(after) | set(before)]
        before = after
    ballots.wave_release(wave=wave, today=wave.closes_on + datetime.timedelta(days=1))
    after = counts()
    moves += [(key, after[key] - before[key]) for key in set(after) | set(before)]
    assert sum(after.values()) == len(invitations)
    small = {key for key, total in after.items() if total < threshold}
    assert small == {None}
    assert [move for _key, move in moves if move]
    for key, move in moves:
        assert move == 0 or move >= threshold or (key in small and move == after[key]), moves


def test_an_interrupted_release_finishes_the_chosen_rows_first(setup, world):
    """The invitations of a batch are marked before its responses are written; a release
    that stopped in between writes exactly the flagged rows next time."""
    wave, question = setup
    invitations = invite(wave, world.community, 12)
    for invitation in invitations:
        send(wave, question, invitation)
    rows = list(PendingResponse.objects.all())
    chosen = rows[:6]
    for row in chosen:
        payload = json.loads(ballots.sealing.unseal(row.sealed, purpose=ballots.SEAL_PURPOSE))
        Invitation.objects.filter(pk=payload["invitation"]).update(answered=True)
    PendingResponse.objects.filter(pk__in=[r.pk for r in chosen]).update(releasing=True)

    assert ballots.wave_release(wave=wave) == 6
    assert set(PendingResponse.objects.values_list("pk", flat=True)) == {r.pk for r in rows[6:]}
    assert Response.objects.count() == 6


def test_reminders_can_tell_who_already_sent(setup, world):
    wave, question = setup
    first, second = invite(wave, world.community, 2)
    send(wave, question, first)
    assert ballots.pending_invitation_ids([first, second]) == {first.pk}
