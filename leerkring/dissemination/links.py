"""The communities closest to each community on recent agendas, worked out by the task worker
and stored, so a community's page does not read the whole programme's agendas.

"Who else works on this?" on the community page ranks the other communities of the programme
by the subtopics they had on their agendas of the last half year in common with this one (the
knowledge view's rule, `selectors.knowledge_entries`). Worked out per request that read every
agenda item of the programme in that time: 58,000 of the page's 75,000 rows at national
scale, and five times as many at five times it (issue 17). Which communities are closest
changes with any agenda of the programme, and with time itself (a meeting enters the half
year when it is held and leaves it six months later), so no single write can keep it: the
task worker works it out for a whole programme at once (`community_links_refresh`, one read of
its agendas) and stores the closest few of every community (`CommunityLinks`).

The worker does so every `REFRESH_SECONDS` for each programme whose links are older than
`MAX_AGE`, so what the page shows is at most that old. The synthetic network and the demo data
work them out when they are built; `manage.py community_links` does so by hand. A community
without stored links (a new one, before the worker's next round) is worked out per request as
before. `tests/dissemination/test_community_links.py` holds the stored links to the ones worked
out per request.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from leerkring.communities.models import Community, Programme

from . import selectors
from .models import CommunityLinks, CommunityLinksRun

REFRESH_SECONDS = 300
MAX_AGE = datetime.timedelta(minutes=15)
# A worker's claim on a programme runs out after this, should it die while working it out.
CLAIM = datetime.timedelta(minutes=10)


def community_links_refresh(*, programme_ids: Iterable[int] | None = None) -> int:
    """Work out and store the links of every community of these programmes (all when None),
    each programme in one transaction. Returns the number of communities stored."""
    programmes = Programme.objects.order_by("pk")
    if programme_ids is not None:
        programmes = programmes.filter(pk__in=list(programme_ids))
    stored = 0
    for programme in programmes:
        stored += _programme_refresh(programme)
    return stored


def _programme_refresh(programme: Programme) -> int:
    now = timezone.now()
    topics, communities_by_subtopic = selectors.programme_topics(programme=programme)
    communities = list(
        Community.objects.filter(programme=programme).values_list("pk", "name", "status")
    )
    # The same names as the page's: communities that have not ended.
    names = {pk: name for pk, name, status in communities if status != Community.Status.ENDED}
    rows = []
    for community_id, _name, _status in communities:
        mine, shared = selectors.shared_subtopics(community_id, topics, communities_by_subtopic)
        closest = selectors.closest_communities(shared, names, mine, communities_by_subtopic)
        rows.append(
            CommunityLinks(
                community_id=community_id,
                programme_id=programme.pk,
                related=closest["related"],
                more=closest["related_more"],
                computed_at=now,
            )
        )
    with transaction.atomic():
        CommunityLinks.objects.filter(programme_id=programme.pk).delete()
        CommunityLinks.objects.bulk_create(rows, batch_size=1000)
        CommunityLinksRun.objects.update_or_create(
            programme_id=programme.pk, defaults={"computed_at": now, "claimed_until": None}
        )
    return len(rows)


def _claim(programme_id: int, now: datetime.datetime) -> bool:
    """Claim a programme whose links are due, unless another worker holds it: one guarded
    UPDATE, so two workers never both work it out."""
    CommunityLinksRun.objects.bulk_create(
        [CommunityLinksRun(programme_id=programme_id)], ignore_conflicts=True
    )
    due = Q(computed_at__isnull=True) | Q(computed_at__lt=now - MAX_AGE)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return bool(
        CommunityLinksRun.objects.filter(due & free, programme_id=programme_id).update(
            claimed_until=now + CLAIM
        )
    )


def community_links_due(*, should_stop: Any = None, **_kwargs: Any) -> int:
    """The worker's periodic job: the links of every programme that is due. Returns the number
    of programmes worked out."""
    done = 0
    for programme_id in Programme.objects.order_by("pk").values_list("pk", flat=True):
        if should_stop is not None and should_stop():
            break
        if _claim(programme_id, timezone.now()):
            community_links_refresh(programme_ids=[programme_id])
            done += 1
    return done


def stored_links(*, community: Community) -> dict[str, Any] | None:
    """The stored links of a community, with communities that ended since left out and names
    as they are now; None when none are stored yet."""
    links = CommunityLinks.objects.filter(community=community).first()
    if links is None:
        return None
    # The community itself is asked along, so the query is made even when nothing is related
    # (a flat query count).
    names = dict(
        Community.objects.filter(pk__in=[row["pk"] for row in links.related] + [community.pk])
        .exclude(status=Community.Status.ENDED)
        .values_list("pk", "name")
    )
    related = [{**row, "name": names[row["pk"]]} for row in links.related if row["pk"] in names]
    return {"related": related, "related_more": links.more, "computed_at": links.computed_at}
