"""What the signalling app holds about one person, for their own download: the signals they
recorded, passed on or look after, and the answers they wrote (core.personal_data)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import Signal, SignalResponse


def personal_data(*, person, user) -> dict[str, list[dict]]:
    if user is None:
        return {}
    signals = (
        Signal.objects.filter(Q(created_by=user) | Q(passed_on_by=user) | Q(owner=user))
        .select_related("community")
        .order_by("raised_on", "pk")
    )
    responses = SignalResponse.objects.filter(author=user).select_related("signal", "theme")
    rows = []
    for signal in signals:
        parts = []
        if signal.created_by_id == user.pk:
            parts.append(_("vastgelegd"))
        if signal.passed_on_by_id == user.pk:
            parts.append(_("doorgegeven"))
        if signal.owner_id == user.pk:
            parts.append(_("in behandeling"))
        rows.append(
            {
                _("gemeenschap"): signal.community.name,
                _("signaal"): signal.title,
                _("datum"): signal.raised_on.isoformat(),
                _("jouw rol"): ", ".join(parts),
            }
        )
    return {
        _("Signalen"): rows,
        _("Antwoorden die je schreef"): [
            {
                _("over"): (
                    row.signal.title if row.signal else row.theme.title if row.theme else ""
                ),
                _("op"): row.created_at.isoformat(),
                _("antwoord"): row.text,
            }
            for row in responses.order_by("created_at")
        ],
    }
