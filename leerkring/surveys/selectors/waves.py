"""Reads for waves: the links respondents open, the waves of a programme, response rates,
and the waves the results pages start from.

Response rates count invitations, never answers: they say who was asked and how many of
them answered, nothing about what anyone said. A group with fewer than
`RATE_MIN_INVITEES` invitees shows only its number of invitees — with one or two people
the rate would tell whether a named colleague took part. When exactly one group is hidden,
the next smallest is hidden too (and so on while the hidden groups together have fewer than
`RATE_MIN_INVITEES`), so the overall figure minus the others gives nothing away (the same
rule as small-group suppression of results, `results.groups_to_hide`, docs/privacy.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.outbox import selectors as outbox_selectors
from leerkring.surveys.models import Invitation, Response, Wave
from leerkring.surveys.results import groups_to_hide

RATE_MIN_INVITEES = 3


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The sent invitation a respondent's link belongs to, with its wave (None if unknown)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("wave__programme", "community")
        .filter(token_hash=_token_hash(token), sent_at__isnull=False)
        .first()
    )


def wave_for_open_token(token: str) -> Wave | None:
    if not token or len(token) > 100:
        return None
    return (
        Wave.objects.select_related("programme")
        .filter(open_link_token_hash=_token_hash(token))
        .exclude(open_link_token_hash="")
        .first()
    )


def wave_communities(wave: Wave) -> list[Community]:
    """Whom the "which community" question offers: the wave's communities, or (a wave for
    stakeholders only) the programme's current ones."""
    chosen = list(wave.communities.order_by("name").only("pk", "name"))
    if chosen:
        return chosen
    return list(
        Community.objects.filter(programme_id=wave.programme_id)
        .exclude(status=Community.Status.ENDED)
        .only("pk", "name")
        .order_by("name")
    )


def programme_waves(programme: Programme) -> QuerySet[Wave]:
    """The programme's waves for the survey index, each with its invited and answered
    counts and number of responses, in a fixed number of queries."""
    return (
        Wave.objects.filter(programme=programme)
        .select_related("questionnaire")
        .annotate(
            invited=Count("invitations", filter=Q(invitations__sent_at__isnull=False)),
            answered=Count(
                "invitations",
                filter=Q(invitations__sent_at__isnull=False, invitations__answered=True),
            ),
        )
        .order_by("-opens_on", "-pk")
    )


@dataclass
class RateRow:
    label: str
    invited: int
    answered: int
    hidden: bool = False

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded half up (49.5 → 50)."""
        if self.hidden or not self.invited:
            return None
        return (200 * self.answered + self.invited) // (2 * self.invited)


@dataclass
class WaveRates:
    rows: list[RateRow]
    overall: RateRow
    not_sent: int
    open_link_responses: int
    responses: int


def wave_response_rates(wave: Wave) -> WaveRates:
    """Invited / answered per community and overall, from the invitations (three queries)."""
    counts = list(
        Invitation.objects.filter(wave=wave)
        .values("community_id")
        .annotate(
            invited=Count("pk", filter=Q(sent_at__isnull=False)),
            answered=Count("pk", filter=Q(sent_at__isnull=False, answered=True)),
            not_sent=Count("pk", filter=Q(sent_at__isnull=True)),
        )
    )
    names = dict(
        Community.objects.filter(
            Q(pk__in=[c["community_id"] for c in counts if c["community_id"]]) | Q(waves=wave)
        ).values_list("pk", "name")
    )
    by_community = {c["community_id"]: c for c in counts}
    rows = []
    for pk, name in sorted(names.items(), key=lambda item: item[1]):
        row = by_community.get(pk, {"invited": 0, "answered": 0})
        rows.append(RateRow(label=name, invited=row["invited"], answered=row["answered"]))
    if by_community.get(None, {}).get("invited"):
        row = by_community[None]
        rows.append(
            RateRow(
                label=_("Zonder gemeenschap (adressenlijst of lid van meer gemeenschappen)"),
                invited=row["invited"],
                answered=row["answered"],
            )
        )
    _rates_suppress(rows)
    invited = sum(r.invited for r in rows)
    answered = sum(r.answered for r in rows)
    responses = Response.objects.filter(wave=wave).count()
    return WaveRates(
        rows=rows,
        overall=RateRow(label=_("Totaal"), invited=invited, answered=answered),
        not_sent=sum(c["not_sent"] for c in counts),
        open_link_responses=max(responses - answered, 0),
        responses=responses,
    )


def _rates_suppress(rows: list[RateRow]) -> None:
    """The same rule as small-group suppression of results (`results.groups_to_hide`), with
    invitees as the group size, so both pages hide a group and its cover alike."""
    hide = groups_to_hide({i: row.invited for i, row in enumerate(rows)}, RATE_MIN_INVITEES)
    for i, row in enumerate(rows):
        row.hidden = i in hide


# --- Results and exports ----------------------------------------------------------------
# The numbers themselves are computed in `results.py` (aggregation, rounding, suppression,
# cache) and `exports.py`; these are the reads the results views start from.


def wave_for_results() -> QuerySet[Wave]:
    """Waves with what the results page shows beside them (programme, threshold, questionnaire)
    in one query."""
    return Wave.objects.select_related("programme__rule_profile", "questionnaire")


def waves_for_comparison(programme: Programme) -> list[Wave]:
    """The programme's waves, oldest first: comparisons read from left to right in time."""
    return list(
        Wave.objects.filter(programme=programme)
        .select_related("programme__rule_profile", "questionnaire")
        .order_by("opens_on", "pk")
    )


def wave_mail_progress(wave: Wave) -> outbox_selectors.Progress:
    """How far the wave's invitations and reminders got. Addresses appear only for failed
    invitations (to mend the list); failed reminders are counted without them, because a
    reminder goes only to someone who has not answered."""
    return outbox_selectors.progress(
        wave,
        kinds=("surveys.invitation", "surveys.reminder"),
        recipients_of_kinds=("surveys.invitation",),
    )
