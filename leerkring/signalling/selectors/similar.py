"""Reads for similar signals, theme suggestions and the answers written into the Excel
export."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import access_for
from leerkring.signalling import permissions, similarity
from leerkring.signalling.models import Signal, SignalResponse, SignalTheme


def similar_scope(user, programme: Programme, community: Community | None = None) -> Q | None:
    """The signals this visitor may be shown as look-alikes (`permissions.can_suggest_similar`
    says whether they may ask at all).

    Coordinators, and the leads and facilitators who consult the venster, see the programme's
    passed-on signals; a plain member sees only their own communities' signals. A member also
    sees the drafts of their community: a colleague may have raised the same thing already.
    """
    if not permissions.can_suggest_similar(user, programme, community):
        return None
    member_of = {
        pk for pk in access_for(user).community_roles if community is None or pk == community.pk
    }
    # The programme kept on the signal: no join to the communities, whose table grows with
    # the network.
    own = Q(community_id__in=member_of, programme_id=programme.pk)
    if permissions.can_view_venster(user, programme):
        passed_on = Q(programme_id=programme.pk) & ~Q(state=Signal.State.DRAFT)
        return passed_on | own if member_of else passed_on
    return own


def similar_signals_for(
    *,
    user,
    programme: Programme,
    text: str,
    title: str = "",
    community: Community | None = None,
    exclude_pk: int | None = None,
) -> list[Signal]:
    """Look-alikes this visitor may see. Those who may consult the venster also get what its
    coordinators taught it (`learning`): the theme profiles are built from the programme's
    passed-on signals, which they may see anyway; a plain member's look is plain text."""
    scope = similar_scope(user, programme, community)
    if scope is None:
        return []
    learn = permissions.can_view_venster(user, programme)
    return similarity.find(
        title=title,
        text=text,
        scope=scope,
        exclude_pk=exclude_pk,
        programme_id=programme.pk if learn else None,
        within=programme.pk,
    ).signals


#: How many themes a suggestion shows, and the score below which none is suggested.
THEME_SUGGESTIONS = 3
THEME_SUGGESTION_MIN_SCORE = 0.05


def theme_suggestions_for(*, user, signal: Signal) -> list[tuple[SignalTheme, float]]:
    """The likeliest themes of a passed-on signal, with their score (0-1), best first, for a
    coordinator deciding where it belongs (`permissions.can_manage_venster`); nothing for
    anyone else or for a draft. The look-alikes that vote are the programme's passed-on
    signals, which a coordinator may see."""
    programme = signal.community.programme
    if signal.state == Signal.State.DRAFT or not permissions.can_manage_venster(user, programme):
        return []
    scope = similar_scope(user, programme)
    if scope is None:
        return []
    found = similarity.find(
        title=signal.title,
        text=signal.description,
        scope=scope,
        exclude_pk=signal.pk,
        programme_id=programme.pk,
        within=programme.pk,
    )
    return [(theme, score) for theme, score in found.themes if score >= THEME_SUGGESTION_MIN_SCORE][
        :THEME_SUGGESTIONS
    ]


def export_answers(*, signals: QuerySet[Signal]) -> dict[int, str]:
    """The latest answer given on each of these signals, in one query: the export's "Antwoord"
    column (what the community was told last)."""
    answers: dict[int, str] = {}
    rows = (
        SignalResponse.objects.filter(signal__in=signals.order_by().values("pk"))
        .order_by("signal_id", "created_at", "pk")
        .values_list("signal_id", "text")
    )
    for signal_id, text in rows.iterator(chunk_size=5000):
        answers[signal_id] = text
    return answers
