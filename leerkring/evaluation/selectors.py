"""Reads of the evaluation app: querysets with their joins and counts, so pages keep a fixed
number of queries whatever the number of rows (select_related, annotate)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import COORDINATOR, EVALUATOR, access_for
from leerkring.core.paging import KnownCountPaginator
from leerkring.core.panels import Task, Urgency
from leerkring.evaluation import monitor
from leerkring.evaluation.models import (
    ChangeStory,
    MonitorStanding,
    MonitorSummary,
    Observation,
    ObservationQuestion,
    ObservationTemplate,
    StoryInvitation,
)
from leerkring.evaluation.monitor import standings
from leerkring.meetings.models import Meeting

OBSERVABLE_DAYS = 120
OBSERVABLE_LIMIT = 40


def _observations() -> QuerySet[Observation]:
    return (
        Observation.objects.select_related("meeting__community", "template", "observer__person")
        .annotate(answer_count=Count("answers"))
        .order_by("-meeting__starts_at", "-pk")
    )


def observations_of_programme(*, programme: Programme) -> QuerySet[Observation]:
    return _observations().filter(meeting__community__programme=programme)


def observations_of_meeting(*, meeting: Meeting) -> QuerySet[Observation]:
    return _observations().filter(meeting=meeting)


def observation_for_page() -> QuerySet[Observation]:
    return Observation.objects.select_related(
        "meeting__community__programme", "template", "observer__person"
    ).prefetch_related("answers")


def observable_meetings(
    *,
    programme: Programme,
    community_id: int | None = None,
    user=None,
    now: datetime.datetime | None = None,
) -> list[Meeting]:
    """Meetings `user` (an evaluator) can observe now: begun, not cancelled, recent, and
    invited to as observer or opened to the programme's evaluators; newest first."""
    now = now or timezone.now()
    person = getattr(user, "person", None) if user is not None else None
    let_in = Q(open_to_observation=True)
    if person is not None:
        let_in |= Q(observers=person)
    meetings = (
        Meeting.objects.filter(
            let_in,
            community__programme=programme,
            starts_at__lte=now,
            starts_at__gte=now - datetime.timedelta(days=OBSERVABLE_DAYS),
        )
        .distinct()
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("community")
        .annotate(observation_count=Count("observations"))
        .order_by("-starts_at", "-pk")
    )
    if community_id:
        meetings = meetings.filter(community_id=community_id)
    return list(meetings[:OBSERVABLE_LIMIT])


def observation_templates_for(*, programme: Programme) -> QuerySet[ObservationTemplate]:
    """The built-in schema first, then the programme's own templates."""
    return (
        ObservationTemplate.objects.filter(Q(programme=None) | Q(programme=programme))
        .annotate(question_count=Count("questions"))
        .order_by(F("programme").asc(nulls_first=True), "title", "pk")
    )


def observation_template_default(*, programme: Programme) -> ObservationTemplate | None:
    """The programme's newest own template, else the built-in schema."""
    own = ObservationTemplate.objects.filter(programme=programme).order_by("-created_at", "-pk")
    return own.first() or ObservationTemplate.objects.filter(programme=None).order_by("pk").first()


def observation_questions(*, template: ObservationTemplate) -> list[ObservationQuestion]:
    return list(template.questions.order_by("position", "pk"))


def programme_communities(*, programme: Programme) -> QuerySet[Community]:
    return Community.objects.filter(programme=programme).order_by("name")


def story_invitation_for_token(token: str) -> StoryInvitation | None:
    from leerkring.evaluation.services import story_token_hash

    if not token or len(token) > 100:
        return None
    return (
        StoryInvitation.objects.select_related("programme", "community")
        .filter(token_hash=story_token_hash(token))
        .first()
    )


def story_invitations_of_programme(*, programme: Programme) -> QuerySet[StoryInvitation]:
    return (
        StoryInvitation.objects.filter(programme=programme)
        .select_related("community")
        .annotate(story_count=Count("stories"))
        .order_by("-created_at", "-pk")
    )


STORY_TAGS = ("tag_knowledge", "tag_relations", "tag_attitude", "tag_actions")


def stories_of_programme(
    *,
    programme: Programme,
    tag: str = "",
    level: str = "",
    community_id: int | None = None,
    selected: bool | None = None,
    source: str = "",
) -> QuerySet[ChangeStory]:
    stories = ChangeStory.objects.filter(programme=programme).select_related(
        "community", "invitation"
    )
    if tag in STORY_TAGS:
        stories = stories.filter(**{tag: True})
    if level:
        stories = stories.filter(level=level)
    if community_id:
        stories = stories.filter(community_id=community_id)
    if selected is not None:
        stories = stories.filter(selected=selected)
    if source:
        stories = stories.filter(source=source)
    return stories.order_by("-created_at", "-pk")


def stories_for_newsletter(*, programme: Programme) -> QuerySet[ChangeStory]:
    """What may leave the evaluation: stories the evaluator selected and marked shareable."""
    return (
        ChangeStory.objects.filter(programme=programme, selected=True, shareable=True)
        .select_related("community")
        .order_by("-created_at", "-pk")
    )


# --- Monitor ----------------------------------------------------------------------------
# The checks themselves are in `evaluation.monitor`; these pick the communities and shape the
# outcome for the pages, in the fixed number of queries `monitor.community_facts` takes.

MONITOR_SORTS = ("reds", "name")


@dataclass
class MonitorRow:
    community: Community
    checks: list[monitor.Check]
    counts: dict[str, int]


def _monitor_communities() -> QuerySet[Community]:
    return Community.objects.select_related("programme__rule_profile")


def programme_monitor(
    *,
    programme: Programme,
    status: str = "",
    check: str = "",
    sort: str = "reds",
    q: str = "",
    now: datetime.datetime | None = None,
) -> list[MonitorRow]:
    """The matrix: every community of the programme that has not ended, with all its checks.

    `status` keeps the communities with at least one check in that status (or, with `check`,
    the communities whose that check is in that status); `sort` "reds" puts the most "Voldoet
    niet" first, then the most "Let op", then by name; `q` keeps the names that contain it.

    Every community is computed: for the API and the reports. The page shows one page of it
    (`programme_monitor_page`)."""
    chosen = standings.monitored_communities(programme)
    if q:
        chosen = chosen.filter(name__icontains=q)
    if now is None:
        # The page needs only names; the checks' own facts are read when the cache misses.
        communities = list(chosen.only("pk", "name", "programme_id"))
        results = monitor.monitor_communities_cached(
            programme.pk,
            [c.pk for c in communities],
            lambda: list(_monitor_communities().filter(pk__in=[c.pk for c in communities])),
        )
    else:
        communities = list(chosen.select_related("programme__rule_profile"))
        results = monitor.monitor_communities(communities, now=now)
    rows = [
        MonitorRow(community=c, checks=results[c.pk], counts=monitor.status_counts(results[c.pk]))
        for c in communities
    ]
    if status in monitor.STATUS_LABELS:
        if check in monitor.CHECK_KEYS:
            index = monitor.CHECK_KEYS.index(check)
            rows = [row for row in rows if row.checks[index].status == status]
        else:
            rows = [row for row in rows if row.counts[status]]
    if sort == "reds":
        rows.sort(key=lambda row: (-row.counts[monitor.RED], -row.counts[monitor.ORANGE]))
    return rows


MONITOR_PAGE_SIZE = 50


@dataclass
class MonitorPage:
    rows: list[MonitorRow]
    page: Page
    summary: MonitorSummary


def _standings_chosen(
    programme: Programme, *, status: str, check: str, q: str, sort: str
) -> tuple[QuerySet, int | None, MonitorSummary]:
    """The matrix's communities as stored statuses (`monitor.standings`), filtered and in the
    matrix's order, as (community id, name); how many there are when the summary knows it
    (None after a search on the name); and the summary."""
    summary = standings.current_summary(programme)
    chosen = MonitorStanding.objects.filter(programme=programme)
    count: int | None = summary.communities
    if status in monitor.STATUS_LABELS:
        if check in monitor.CHECK_KEYS:
            index = monitor.CHECK_KEYS.index(check)
            chosen = chosen.filter(**{f"statuses__{index}": status})
            count = summary.counts[check][status]
        else:
            chosen = chosen.filter(**{f"{standings.COLUMNS[status]}__gt": 0})
            count = summary.counts["any"][status]
    if q:
        chosen = chosen.filter(name__icontains=q)
        count = None
    if sort == "reds":
        chosen = chosen.order_by("-red", "-orange", "name", "community_id")
    else:
        chosen = chosen.order_by("name", "community_id")
    return chosen.values_list("community_id", "name"), count, summary


def _monitor_rows(
    programme: Programme, shown: list[tuple[int, str]], *, data_version: str
) -> list[MonitorRow]:
    """Every check of the communities shown (cached per data version), in their order."""
    # The names come with the statuses: the page reads no community row unless it computes.
    communities = [Community(pk=pk, name=name, programme_id=programme.pk) for pk, name in shown]
    ids = [c.pk for c in communities]
    results = monitor.monitor_communities_cached(
        programme.pk,
        ids,
        lambda: list(_monitor_communities().filter(pk__in=ids)),
        data_version=data_version,
    )
    return [
        MonitorRow(community=c, checks=results[c.pk], counts=monitor.status_counts(results[c.pk]))
        for c in communities
        if c.pk in results
    ]


def programme_monitor_page(
    *,
    programme: Programme,
    status: str = "",
    check: str = "",
    q: str = "",
    sort: str = "reds",
    page: int | str | None = 1,
    per_page: int = MONITOR_PAGE_SIZE,
) -> MonitorPage:
    """One page of the matrix: the same communities, filters and order as `programme_monitor`,
    filtered, sorted and paged on the stored statuses (`monitor.standings`), with every check
    computed only for the communities on the page; `q` keeps the names that contain it.

    The counts come from the programme's summary, so paging does not count the programme."""
    chosen, count, summary = _standings_chosen(
        programme, status=status, check=check, q=q, sort=sort
    )
    # Told its count: the programme's summary already holds it.
    shown = KnownCountPaginator(chosen, per_page, count=count).get_page(page)
    rows = _monitor_rows(programme, list(shown.object_list), data_version=summary.data_version)
    return MonitorPage(rows=rows, page=shown, summary=summary)


class MonitorRows:
    """The matrix as a sequence for a paginator (the API's): its length from the programme's
    summary, and a slice computes the checks of just the communities in it."""

    def __init__(self, programme: Programme, chosen: QuerySet, count: int | None, version: str):
        self.programme, self.chosen, self.known, self.version = programme, chosen, count, version

    def count(self) -> int:
        return self.chosen.count() if self.known is None else self.known

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        return _monitor_rows(self.programme, list(self.chosen[index]), data_version=self.version)


def programme_monitor_rows(
    *, programme: Programme, status: str = "", check: str = "", q: str = "", sort: str = "reds"
) -> MonitorRows:
    """The matrix as `programme_monitor` has it, paged like the matrix page: filtered, sorted
    and counted on the stored statuses, the checks computed (always current) for the slice a
    paginator takes. For the API: its pages no longer compute the whole programme."""
    chosen, count, summary = _standings_chosen(
        programme, status=status, check=check, q=q, sort=sort
    )
    return MonitorRows(programme, chosen, count, summary.data_version)


def community_monitor(
    *, community: Community, now: datetime.datetime | None = None
) -> list[monitor.Check]:
    """One community's checks, for its own monitor page and the community page's panel."""
    community = _monitor_communities().get(pk=community.pk)
    return monitor.monitor_communities([community], now=now)[community.pk]


# --- Reports ----------------------------------------------------------------------------
# The reports read across apps in a fixed number of queries and are built, as plain data, in
# `evaluation.reports` (`community_report`, `programme_report`, `report_stored`).


HOME_OBSERVATIONS = 5
HOME_OBSERVATION_DAYS = 30


def observation_tasks(user, *, now: datetime.datetime | None = None) -> list[Task]:
    """For an evaluator: meetings of the past month they were invited to observe and have not
    written an observation of yet. One query."""
    access = access_for(user)
    programmes = access.programmes_with(EVALUATOR)
    if access.person is None or not programmes:
        return []
    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            community__programme_id__in=programmes,
            observers=access.person,
            starts_at__lte=now,
            starts_at__gte=now - datetime.timedelta(days=HOME_OBSERVATION_DAYS),
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(Exists(Observation.objects.filter(meeting=OuterRef("pk"), observer=user)))
        .select_related("community")
        .order_by("starts_at", "pk")[:HOME_OBSERVATIONS]
    )
    return [
        Task(
            text=_("Observatie invullen van de bijeenkomst op %(date)s")
            % {"date": formats.date_format(timezone.localtime(meeting.starts_at), "j F")},
            url=reverse("evaluation:observation_create", args=[meeting.pk]),
            urgency=Urgency.WAITING,
            when=meeting.starts_at,
            where=meeting.community.name,
        )
        for meeting in meetings
    ]


def story_invitation_tasks(user) -> list[Task]:
    """For an evaluator: story invitations still open, with how many stories came in. One
    query."""
    programmes = access_for(user).programmes_with(EVALUATOR)
    if not programmes:
        return []
    invitations = (
        StoryInvitation.objects.filter(programme_id__in=programmes, is_open=True)
        .select_related("programme")
        .annotate(story_count=Count("stories"))
        .order_by("created_at", "pk")[:HOME_OBSERVATIONS]
    )
    return [
        Task(
            text=ngettext(
                "Verhalenuitnodiging ‘%(title)s’ staat open: %(count)s verhaal binnen",
                "Verhalenuitnodiging ‘%(title)s’ staat open: %(count)s verhalen binnen",
                invitation.story_count,
            )
            % {"title": invitation.title, "count": invitation.story_count},
            url=reverse("evaluation:story_links", args=[invitation.programme.slug]),
            urgency=Urgency.WAITING,
            when=invitation.created_at,
            where=invitation.programme.name,
        )
        for invitation in invitations
    ]


def monitor_tasks(user) -> list[Task]:
    """For a coordinator: per programme, the communities with a red light in the monitor
    (the matrix's stored summary, `monitor.standings`)."""
    tasks = []
    coordinated = access_for(user).programmes_with(COORDINATOR)
    if not coordinated:
        return tasks
    for programme in Programme.objects.filter(pk__in=coordinated).order_by("name"):
        red = standings.current_summary(programme).counts["any"][monitor.RED]
        if red:
            tasks.append(
                Task(
                    text=ngettext(
                        "%(count)s gemeenschap met een rood lampje in de monitor",
                        "%(count)s gemeenschappen met een rood lampje in de monitor",
                        red,
                    )
                    % {"count": red},
                    url=reverse("evaluation:programme_monitor", args=[programme.slug])
                    + f"?status={monitor.RED}",
                    urgency=Urgency.WAITING,
                    where=programme.name,
                )
            )
    return tasks
