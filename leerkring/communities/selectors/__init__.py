"""Reads for programmes, communities, members and organisations, one module per sub-domain.

- `choices`: the community filter of long lists (venster, catalogue, survey results)
- `home`: the programmes in the navigation and the home page's overview of what waits
- `overview`: the programme overview and the community page (counts, regions, composition)
- `members`: the members page, membership history, shared seats, the organisation directory
- `personal_data`: this app's part of "Mijn gegevens"

Every list is built with a fixed number of queries, whatever the size of the data (guarded by
tests that compare query counts on a small and a larger dataset). Callers use
`from leerkring.communities import selectors`; the names below are the public ones."""

from .choices import COMMUNITY_CHOICES_MAX, CommunityChoices, community_choices
from .home import AttentionItem, home_overview, programmes_for_navigation
from .members import (
    MEMBERS_PER_PAGE,
    ORGANISATION_SORTS,
    HistoryItem,
    MemberGroup,
    MemberRow,
    members_for_management,
    membership_history,
    organisation_directory,
    organisation_regions,
    rule_profile_summary,
    seat_colleagues,
)
from .overview import (
    Composition,
    OrganisationGroup,
    ProgrammeEntry,
    TypeCount,
    communities_with_programme,
    community_composition,
    community_members_by_organisation,
    organisation_type_mix,
    programme_communities,
    programme_community_count,
    programme_regions,
    programme_with_rule_profile,
    programmes_for_overview,
)
from .personal_data import personal_data

__all__ = [
    "COMMUNITY_CHOICES_MAX",
    "CommunityChoices",
    "community_choices",
    "MEMBERS_PER_PAGE",
    "ORGANISATION_SORTS",
    "AttentionItem",
    "Composition",
    "HistoryItem",
    "MemberGroup",
    "MemberRow",
    "OrganisationGroup",
    "ProgrammeEntry",
    "TypeCount",
    "communities_with_programme",
    "community_composition",
    "community_members_by_organisation",
    "home_overview",
    "members_for_management",
    "membership_history",
    "organisation_directory",
    "organisation_regions",
    "organisation_type_mix",
    "personal_data",
    "programme_communities",
    "programme_community_count",
    "programme_regions",
    "programme_with_rule_profile",
    "programmes_for_navigation",
    "programmes_for_overview",
    "rule_profile_summary",
    "seat_colleagues",
]
