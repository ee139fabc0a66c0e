"""Members and organisations: the members page, membership history, shared seats, the
organisation directory and the rule profile's summary."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerkring.accounts.models import Invitation

from ..models import (
    Community,
    Membership,
    Organisation,
    Person,
    RuleProfile,
)


@dataclass
class MemberRow:
    """One current member on the members page, with what the page needs to say about their
    account: whether they can sign in, or the state of their latest invitation."""

    membership: Membership
    invitation: Invitation | None
    account_status: str  # "account", "invited", "expired", "revoked", "none"

    @property
    def can_be_invited(self) -> bool:
        return self.account_status != "account" and bool(self.membership.person.email)


@dataclass
class MemberGroup:
    organisation: Organisation | None
    rows: list[MemberRow]


def _account_status(person, invitation: Invitation | None) -> str:
    # An account without a usable password cannot sign in yet: it still needs an invitation.
    if person.user_id and person.user.has_usable_password():
        return "account"
    if invitation is None:
        return "none"
    if invitation.accepted_at:
        return "account"
    if invitation.revoked_at:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "invited"


def _latest_invitations(person_ids: list[int]) -> dict[int, Invitation]:
    latest: dict[int, Invitation] = {}
    if not person_ids:
        return latest
    for invitation in Invitation.objects.filter(person_id__in=person_ids).order_by(
        "person_id", "-created_at", "-pk"
    ):
        latest.setdefault(invitation.person_id, invitation)
    return latest


MEMBERS_PER_PAGE = 20


def members_for_management(
    *,
    community: Community,
    q: str = "",
    role: str = "",
    page_number: str | int | None = None,
    per_page: int = MEMBERS_PER_PAGE,
) -> dict:
    """The members page of a lead or coordinator: current members grouped by the organisation
    they take part for — searched by name, e-mail address, job title or organisation, filtered
    by role, a page at a time —, former members (the history is kept, report §5.1.2), and the
    recent membership changes from the audit history. Seven queries, whatever the size."""
    today = timezone.localdate()
    current_all = Membership.objects.filter(community=community).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=today)
    )
    chosen = current_all
    q = q.strip()
    if q:
        chosen = chosen.filter(
            Q(person__full_name__icontains=q)
            | Q(person__email__icontains=q)
            | Q(person__job_title__icontains=q)
            | Q(organisation__name__icontains=q)
        )
    if role:
        chosen = chosen.filter(role=role)
    page = Paginator(
        chosen.select_related(
            "person__user",
            "organisation",
            "predecessor__person",
            "shares_seat_with__person",
        ).order_by(F("organisation__name").asc(nulls_last=True), "person__full_name", "pk"),
        per_page,
    ).get_page(page_number)
    current = list(page.object_list)
    former = list(
        Membership.objects.filter(community=community, left_on__lte=today)
        .select_related("person", "organisation", "successor__person")
        .order_by("-left_on", "person__full_name")
    )
    invitations = _latest_invitations([m.person_id for m in current])
    groups: list[MemberGroup] = []
    for membership in current:
        invitation = invitations.get(membership.person_id)
        row = MemberRow(
            membership=membership,
            invitation=invitation,
            account_status=_account_status(membership.person, invitation),
        )
        if not groups or groups[-1].organisation != membership.organisation:
            groups.append(MemberGroup(organisation=membership.organisation, rows=[]))
        groups[-1].rows.append(row)
    return {
        "groups": groups,
        "member_count": current_all.count(),
        "found_count": page.paginator.count,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "former": former,
        "history": membership_history(community=community),
    }


def _role_label(role: str) -> str:
    try:
        return str(Membership.Role(role).label)
    except ValueError:
        return role


def _history_description(verb: str, data: dict) -> str:
    person = data.get("person", "")
    if verb == "membership.added":
        return _("%(person)s is lid geworden als %(role)s.") % {
            "person": person,
            "role": _role_label(data.get("role", "")).lower(),
        }
    if verb == "membership.role_changed":
        return _("De rol van %(person)s is gewijzigd van %(old)s in %(new)s.") % {
            "person": person,
            "old": _role_label(data.get("old", "")).lower(),
            "new": _role_label(data.get("new", "")).lower(),
        }
    if verb == "membership.ended":
        if data.get("reason") == Membership.LeftReason.HANDOVER:
            return _("%(person)s heeft de plek overgedragen.") % {"person": person}
        return _("Het lidmaatschap van %(person)s is beëindigd.") % {"person": person}
    if verb == "membership.handed_over":
        return _("%(person)s draagt het stokje over aan %(successor)s.") % {
            "person": person,
            "successor": data.get("successor", ""),
        }
    if verb == "membership.seat_shared":
        return _("%(person)s deelt de plek met %(other)s.") % {
            "person": person,
            "other": data.get("with_person", ""),
        }
    if verb == "membership.seat_own":
        return _("%(person)s heeft een eigen plek.") % {"person": person}
    return verb


@dataclass
class HistoryItem:
    when: object
    actor_name: str
    description: str


def membership_history(*, community: Community, limit: int = 20) -> list[HistoryItem]:
    """The last membership changes in one community, read from the audit history (one
    query)."""
    from leerkring.core.models import AuditEvent

    events = (
        AuditEvent.objects.filter(community_id=community.pk, verb__startswith="membership.")
        .select_related("actor__person")
        .order_by("-created_at", "-pk")[:limit]
    )
    items = []
    for event in events:
        actor = event.actor
        if actor is None:
            actor_name = ""
        else:
            person = getattr(actor, "person", None)
            actor_name = person.full_name if person else actor.email
        items.append(
            HistoryItem(
                when=event.created_at,
                actor_name=actor_name,
                description=_history_description(event.verb, event.data or {}),
            )
        )
    return items


def seat_colleagues(*, membership: Membership) -> list[Membership]:
    """Colleagues a member may share a seat with: current members of the same community who
    take part for the same organisation (report §5.1.2)."""
    if membership.organisation_id is None:
        return []
    return list(
        Membership.objects.active()
        .filter(community_id=membership.community_id, organisation_id=membership.organisation_id)
        .exclude(pk=membership.pk)
        .select_related("person", "shares_seat_with__person")
        .order_by("person__full_name")
    )


ORGANISATION_SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "type": ("type", "name"),
    "region": ("region", "name"),
    "city": ("city", "name"),
    "-people": ("-people_count", "name"),
    "-communities": ("-community_count", "name"),
}


def organisation_directory(
    *,
    programme_ids: set[int],
    q: str = "",
    type: str = "",
    region: str = "",
    sort: str = "name",
) -> QuerySet[Organisation]:
    """The directory of organisations with how many people they have in the network and in
    how many communities *of the viewer's programmes* they take part today (another
    programme's communities are none of their business). Counted in subqueries, so a page of
    50 costs one query however many people and memberships there are."""

    people = (
        Person.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    communities = (
        Membership.objects.active()
        .filter(organisation=OuterRef("pk"), community__programme_id__in=programme_ids)
        .order_by()
        .values("organisation")
        .annotate(n=Count("community", distinct=True))
        .values("n")
    )
    organisations = Organisation.objects.annotate(
        people_count=Coalesce(Subquery(people, output_field=IntegerField()), 0),
        community_count=Coalesce(Subquery(communities, output_field=IntegerField()), 0),
    )
    q = (q or "").strip()
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(city__icontains=q))
    if type:
        organisations = organisations.filter(type=type)
    if region:
        organisations = organisations.filter(region=region)
    return organisations.order_by(*ORGANISATION_SORTS.get(sort, ORGANISATION_SORTS["name"]))


def organisation_regions() -> list[str]:
    return list(
        Organisation.objects.exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


def rule_profile_summary(*, rule_profile: RuleProfile | None) -> list[tuple[str, str]]:
    """The rule profile in a few plain lines, shown beside the wizard and on the rule page so a
    coordinator sees what a new community will be held to."""
    if rule_profile is None:
        return []
    p = rule_profile
    labels = dict(Organisation.Type.choices)

    def join(parts: list[str]) -> str:
        return "; ".join(part for part in parts if part)

    def span(low, high, unit: str = "") -> str:
        low = number_format(low) if low is not None else None
        high = number_format(high) if high is not None else None
        if low and high:
            text = _("%(low)s tot %(high)s") % {"low": low, "high": high}
        elif low:
            text = _("minstens %(low)s") % {"low": low}
        elif high:
            text = _("hoogstens %(high)s") % {"high": high}
        else:
            return ""
        return f"{text} {unit}".strip()

    members = join(
        [
            span(p.members_min, p.members_max),
            _("streven naar %(n)s") % {"n": p.members_target} if p.members_target else "",
        ]
    )
    organisations = join(
        [
            _("minstens %(n)s") % {"n": p.organisations_min} if p.organisations_min else "",
            _("gemeenten én uitvoerende organisaties") if p.mix_municipality_and_executing else "",
            _("met: %(types)s")
            % {"types": ", ".join(str(labels.get(t, t)) for t in p.required_organisation_types)}
            if p.required_organisation_types
            else "",
        ]
    )
    meetings = join(
        [
            span(p.meetings_per_year_min, p.meetings_per_year_max, str(_("per jaar"))),
            ngettext("elke week", "elke %(n)s weken", p.meeting_interval_weeks)
            % {"n": p.meeting_interval_weeks},
            span(p.meeting_hours_min, p.meeting_hours_max, str(_("uur"))),
            _("fysiek") if p.physical_meetings else "",
            _("minstens %(n)s sessies") % {"n": p.sessions_min} if p.sessions_min else "",
            _("looptijd minstens %(n)s maanden") % {"n": p.duration_months_min}
            if p.duration_months_min
            else "",
        ]
    )
    guidance = join(
        [
            ngettext("%(n)s procesbegeleider", "%(n)s procesbegeleiders", p.facilitators_required)
            % {"n": p.facilitators_required},
            _("communitytrekker en procesbegeleider zijn verschillende personen")
            if p.lead_facilitator_separate
            else "",
            _("vanuit verschillende perspectieven")
            if p.facilitators_different_perspectives
            else "",
            _("elke bijeenkomst een casus, om de beurt") if p.case_rotation else "",
            _("gedeeld theoretisch kader") if p.shared_framework else "",
        ]
    )
    lines = [
        (_("Deelnemers"), members),
        (_("Organisaties"), organisations),
        (_("Bijeenkomsten"), meetings),
        (_("Begeleiding"), guidance),
        (_("Toelichting"), p.notes),
    ]
    return [(str(label), text) for label, text in lines if text]
