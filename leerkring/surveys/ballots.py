"""Sent answers wait, sealed, and reach the results only in shuffled batches.

Why (docs/privacy.md, "Enquêtes"): if sending a questionnaire wrote the response and marked
the invitation answered at once, the database would pair them — both rows carry the same
transaction id (`xmin` on PostgreSQL), the n-th submit would be the n-th response id, and the
results page reloaded after each answer would show that one answer by itself. So:

1. **Sending writes one row and nothing else**: a `PendingResponse` whose answers, community
   and invitation are sealed (`core.sealing`, padded to one size), with a random id, no
   timestamp, and a `ballot` (an HMAC of the invitation with SECRET_KEY) that stops a second
   send. The invitation itself is not touched.
2. **Release in batches.** Per community (and the group without one), waiting answers are
   released when at least twice the programme's group threshold `t` wait: a random choice of
   all but `t` of them. The `t` kept back make sure the last release, when the wave closes,
   is never smaller than `t` either. Whatever still waits when the wave has closed is
   released then, in full. So results, exports and per-community counts move by zero or by
   at least `t` answers of one community at a time — never by one.
3. **Two transactions per batch.** First the batch's invitations are marked answered (and
   the chosen rows flagged); then, in a separate transaction, the answers are unsealed,
   shuffled and written as new `Response`/`Answer` rows with fresh ids in the shuffled order,
   and the waiting rows are deleted. Within a batch neither transaction id nor id order nor
   any timestamp says which response came from which invitation. A release interrupted
   between the two finishes the flagged rows first.

Each batch raises the wave's `results_version` in its second transaction, and the task
worker then computes and stores the results once (surveys/stored_results.py).

Releases run after every send (the same request, so no worker is needed), from the
`release_survey_responses` command or task (daily, for waves that closed), and before the
results or exports of a closed wave are read.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import random
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from leerkring.core import sealing

from .models import Answer, Invitation, PendingResponse, Response, Wave
from .results import group_threshold

SEAL_PURPOSE = "surveys.pending-response"
# Every payload up to this size seals to the same length; answers are rarely longer.
SEAL_BLOCK = 16 * 1024
ANSWER_FIELDS = ("question_id", "option_id", "statement_id", "community_id", "scale_value", "text")


class AlreadySent(Exception):
    """This invitation's answers were already sent (they may still be waiting)."""


def _ballots(invitation_id: int) -> list[str]:
    """The ballot of an invitation under the current secret key and its fallbacks."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac("leerkring.surveys.ballot", str(invitation_id), secret=secret).hexdigest()
        for secret in secrets
    ]


def _as_row(answer: Any) -> dict[str, Any]:
    row = dataclasses.asdict(answer) if dataclasses.is_dataclass(answer) else dict(answer)
    return {name: row.get(name) for name in ANSWER_FIELDS}


def pending_store(
    *, wave: Wave, invitation: Invitation | None, community_id: int | None, answers: list
) -> None:
    """Keep sent answers sealed until their batch. One INSERT, nothing else: the caller runs
    it in its own transaction and touches no other row."""
    payload = {
        "invitation": invitation.pk if invitation is not None else None,
        "community": community_id,
        "answers": [_as_row(a) for a in answers],
    }
    sealed = sealing.seal(
        json.dumps(payload, separators=(",", ":")).encode(), purpose=SEAL_PURPOSE, block=SEAL_BLOCK
    )
    ballot = _ballots(invitation.pk)[0] if invitation is not None else None
    try:
        with transaction.atomic():
            PendingResponse.objects.create(wave=wave, ballot=ballot, sealed=sealed)
    except IntegrityError as error:
        raise AlreadySent from error


def is_pending(invitation: Invitation) -> bool:
    """Whether this invitation's answers were sent and wait for their batch."""
    return PendingResponse.objects.filter(ballot__in=_ballots(invitation.pk)).exists()


def pending_invitation_ids(invitations) -> set[int]:
    """Of `invitations`, those whose answers wait for their batch (one query): reminders
    must not go to people who already answered."""
    invitations = list(invitations)
    by_ballot = {ballot: i.pk for i in invitations for ballot in _ballots(i.pk)}
    if not by_ballot:
        return set()
    found = PendingResponse.objects.filter(ballot__in=list(by_ballot)).values_list(
        "ballot", flat=True
    )
    return {by_ballot[ballot] for ballot in found}


def wave_has_pending(wave: Wave) -> bool:
    return PendingResponse.objects.filter(wave=wave).exists()


def _payload(row: PendingResponse) -> dict[str, Any]:
    return json.loads(sealing.unseal(row.sealed, purpose=SEAL_PURPOSE))


def _wave_closed(wave: Wave, today: datetime.date | None = None) -> bool:
    return (today or timezone.localdate()) > wave.closes_on


def _choose(rows: list[PendingResponse], payloads: dict, *, threshold: int, final: bool) -> list:
    """Which waiting rows go into this batch (see the module's docstring, point 2)."""
    groups: dict[int | None, list[PendingResponse]] = defaultdict(list)
    for row in rows:
        groups[payloads[row.pk]["community"]].append(row)
    chance = random.SystemRandom()
    chosen: list[PendingResponse] = []
    for members in groups.values():
        if final:
            chosen += members
        elif len(members) >= 2 * threshold:
            chosen += chance.sample(members, len(members) - threshold)
    return chosen


def wave_release(*, wave: Wave, today: datetime.date | None = None) -> int:
    """Release what may be released of `wave`'s waiting answers; returns how many."""
    final = _wave_closed(wave, today)
    threshold = group_threshold(wave.programme)
    with transaction.atomic():
        Wave.objects.select_for_update().filter(pk=wave.pk).first()
        rows = list(PendingResponse.objects.filter(wave=wave).select_for_update())
        if not rows:
            return 0
        if not any(row.releasing for row in rows):
            payloads = {row.pk: _payload(row) for row in rows}
            chosen = _choose(rows, payloads, threshold=threshold, final=final)
            if not chosen:
                return 0
            invitation_ids = sorted(
                payloads[row.pk]["invitation"]
                for row in chosen
                if payloads[row.pk]["invitation"] is not None
            )
            Invitation.objects.filter(pk__in=invitation_ids).update(answered=True)
            PendingResponse.objects.filter(pk__in=[row.pk for row in chosen]).update(releasing=True)
    return _write_batch(wave)


def _write_batch(wave: Wave) -> int:
    """The second transaction: the flagged rows become responses, shuffled, with fresh ids.

    It also raises the wave's `results_version`, so the results change with the batch and
    only with it: readers find the stored results of the new version, computed once by the
    task queued here (or by the first reader, should no worker run)."""
    from .tasks import wave_results_store  # the tasks module imports this one

    with transaction.atomic():
        Wave.objects.select_for_update().filter(pk=wave.pk).first()
        rows = list(PendingResponse.objects.filter(wave=wave, releasing=True).select_for_update())
        if not rows:
            return 0
        payloads = [_payload(row) for row in rows]
        random.SystemRandom().shuffle(payloads)
        responses = Response.objects.bulk_create(
            [Response(wave=wave, community_id=p["community"]) for p in payloads]
        )
        Answer.objects.bulk_create(
            [
                Answer(response=response, **answer)
                for response, payload in zip(responses, payloads, strict=True)
                for answer in payload["answers"]
            ]
        )
        PendingResponse.objects.filter(pk__in=[row.pk for row in rows]).delete()
        Wave.objects.filter(pk=wave.pk).update(results_version=F("results_version") + 1)
        transaction.on_commit(lambda: wave_results_store.enqueue(wave_id=wave.pk))
    wave.refresh_from_db(fields=["results_version"])
    return len(rows)


def waves_release_due(*, today: datetime.date | None = None) -> int:
    """Every wave with waiting answers, released as far as it may be (the daily command and
    task): whatever waits in a closed wave goes out in full."""
    released = 0
    wave_ids = set(PendingResponse.objects.values_list("wave_id", flat=True).distinct())
    for wave in Wave.objects.filter(pk__in=wave_ids).select_related("programme__rule_profile"):
        released += wave_release(wave=wave, today=today)
    return released
