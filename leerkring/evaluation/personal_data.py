"""What the evaluation app holds about one person, for their own download (core.personal_data):
the meetings they observed and the stories they entered. Stories told by others are the
tellers' own and stay out. Nothing here goes when someone leaves: observations and stories
belong to the evaluation, and point at the account, which is anonymised."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import ChangeStory, Observation


def personal_data(*, person: Any, user: Any) -> dict[str, list[dict]]:
    if user is None:
        return {}
    observations = Observation.objects.filter(observer=user).select_related("meeting__community")
    stories = ChangeStory.objects.filter(entered_by=user).order_by("created_at")
    return {
        _("Observaties"): [
            {
                _("gemeenschap"): row.meeting.community.name,
                _("bijeenkomst"): row.meeting.starts_at.date().isoformat(),
                _("vastgelegd op"): row.created_at.isoformat(),
            }
            for row in observations.order_by("created_at")
        ],
        _("Verhalen die je invoerde"): [
            {_("titel"): row.title, _("ingevoerd op"): row.created_at.isoformat()}
            for row in stories
        ],
    }
