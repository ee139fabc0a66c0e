"""Answering a wave (docs/privacy.md, "Enquêtes").

- **The link is exchanged.** The e-mailed token opens the form once: the first visit swaps it
  for a form key that lives only in the respondent's browser (a cookie), and the form is
  served from an address without a token. The e-mailed token stops working, so a copy of it
  in an access log or a proxy opens nothing, and no later request line carries it.
- **Sending writes one row.** The answers go into one sealed `PendingResponse`
  (`surveys.ballots`): no invitation is read for update or changed, so no transaction id,
  lock or order ties the two. The batch release marks the invitation answered later, apart
  from writing the responses.
- Nothing about answering is audited: an audit row would carry a time and an invitation id.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from leerkring.surveys import ballots
from leerkring.surveys.models import Invitation, Wave

from .waves import survey_token_hash


class SurveyLinkError(Exception):
    """Why a respondent's link does not open the form; `reason` picks the friendly page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AnswerData:
    """One answer row as the respondent's form produces it (no person, no time)."""

    question_id: int
    option_id: int | None = None
    statement_id: int | None = None
    community_id: int | None = None
    scale_value: int | None = None
    text: str = ""


def form_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def wave_answering_state(wave: Wave) -> str:
    """Why answering is not possible now: "not_open", "closed", or "" when it is."""
    today = timezone.localdate()
    if today < wave.opens_on:
        return "not_open"
    if today > wave.closes_on:
        return "closed"
    return ""


def invitation_check_can_answer(invitation: Invitation) -> None:
    """Raises `SurveyLinkError` when this invitation cannot answer now."""
    if invitation.answered or ballots.is_pending(invitation):
        raise SurveyLinkError("answered")
    state = wave_answering_state(invitation.wave)
    if state:
        raise SurveyLinkError(state)


@transaction.atomic
def invitation_exchange(*, token: str) -> tuple[Invitation, str]:
    """Swap the e-mailed token for a form key (returned once, for the respondent's browser;
    only its hash is kept). The e-mailed token stops working. A link of a wave that is not
    open yet is left as it is, so it still works on the opening day."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("wave__programme")
        .filter(token_hash=survey_token_hash(token), sent_at__isnull=False)
        .first()
    )
    if invitation is None:
        raise SurveyLinkError("unknown")
    invitation_check_can_answer(invitation)
    key = secrets.token_urlsafe(32)
    invitation.token_hash = survey_token_hash(secrets.token_urlsafe(32))
    invitation.form_key_hash = form_key_hash(key)
    invitation.save(update_fields=["token_hash", "form_key_hash"])
    return invitation, key


def invitation_for_form_key(key: str) -> Invitation | None:
    if not key or len(key) > 100:
        return None
    return (
        Invitation.objects.select_related("wave__programme", "community")
        .filter(form_key_hash=form_key_hash(key), sent_at__isnull=False)
        .first()
    )


def response_submit(*, form_key: str, community_id: int | None, answers: list[AnswerData]) -> None:
    """Keep an invited respondent's answers until their batch, then release what may be
    released. Reads the invitation without locking it and writes nothing to it; a second
    send of the same invitation is refused by its ballot."""
    invitation = invitation_for_form_key(form_key)
    if invitation is None:
        raise SurveyLinkError("unknown")
    invitation_check_can_answer(invitation)
    try:
        ballots.pending_store(
            wave=invitation.wave,
            invitation=invitation,
            community_id=invitation.community_id or community_id,
            answers=answers,
        )
    except ballots.AlreadySent as error:
        raise SurveyLinkError("answered") from error
    ballots.wave_release(wave=invitation.wave)


def response_submit_open(
    *, wave: Wave, community_id: int | None, answers: list[AnswerData]
) -> None:
    """Keep answers given through the wave's open link (no invitation, no ballot) until
    their batch."""
    wave = Wave.objects.select_related("programme").get(pk=wave.pk)
    if not wave.open_link_token_hash:
        raise SurveyLinkError("unknown")
    state = wave_answering_state(wave)
    if state:
        raise SurveyLinkError(state)
    ballots.pending_store(wave=wave, invitation=None, community_id=community_id, answers=answers)
    ballots.wave_release(wave=wave)
