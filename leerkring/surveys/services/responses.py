"""Answering a wave. Submitting creates the response and its answers and marks the
invitation answered in one transaction, with the invitation row locked: a double submit
stores nothing twice. Nothing about answering is audited — an audit row would carry a time
and an invitation id next to a response id (docs/privacy.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from leerkring.surveys.models import Answer, Invitation, Response, Wave

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


def _store(*, wave: Wave, community_id: int | None, answers: list[AnswerData]) -> Response:
    response = Response.objects.create(wave=wave, community_id=community_id)
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question_id=a.question_id,
                option_id=a.option_id,
                statement_id=a.statement_id,
                community_id=a.community_id,
                scale_value=a.scale_value,
                text=a.text,
            )
            for a in answers
        ]
    )
    return response


def wave_answering_state(wave: Wave) -> str:
    """Why answering is not possible now: "not_open", "closed", or "" when it is."""
    today = timezone.localdate()
    if today < wave.opens_on:
        return "not_open"
    if today > wave.closes_on:
        return "closed"
    return ""


@transaction.atomic
def response_submit(*, token: str, community_id: int | None, answers: list[AnswerData]) -> Response:
    """Store an invited respondent's answers and mark their invitation answered, in one
    transaction. The invitation row is locked first, so of two simultaneous submits one
    stores and the other finds it answered. The response keeps the community, not the
    invitation."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("wave")
        .filter(token_hash=survey_token_hash(token), sent_at__isnull=False)
        .first()
    )
    if invitation is None:
        raise SurveyLinkError("unknown")
    if invitation.answered:
        raise SurveyLinkError("answered")
    state = wave_answering_state(invitation.wave)
    if state:
        raise SurveyLinkError(state)
    response = _store(
        wave=invitation.wave,
        community_id=invitation.community_id or community_id,
        answers=answers,
    )
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    return response


@transaction.atomic
def response_submit_open(
    *, wave: Wave, community_id: int | None, answers: list[AnswerData]
) -> Response:
    """Store answers given through the wave's open link (no invitation to mark)."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if not wave.open_link_token_hash:
        raise SurveyLinkError("unknown")
    state = wave_answering_state(wave)
    if state:
        raise SurveyLinkError(state)
    return _store(wave=wave, community_id=community_id, answers=answers)
