"""The sources the search box looks in, and how a found row becomes a result.

A source names its model's text fields (the search document), which field is its title and
which gives the snippet, the visibility rule (`selectors.*_visible`) and where a result links
to. The link always leads to a page the same person may open: a shared lesson of another
community goes to the knowledge view, not to the meeting page that is for members only; a
signal a system partner sees goes to the system-level page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community
from leerkring.communities.permissions import Access, access_for
from leerkring.dissemination.models import IssueItem
from leerkring.signalling.models import Signal

from . import fulltext, selectors


@dataclass
class Hit:
    """One result as the page shows it; `title` and `snippet` are escaped, with <mark>."""

    title: SafeString
    url: str
    snippet: SafeString = field(default_factory=lambda: mark_safe(""))
    context: str = ""
    date: datetime.date | datetime.datetime | None = None


class Seeker:
    """Who is searching, and the few facts about them a link needs (computed once)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.access: Access = access_for(user)

    @property
    def own(self) -> set[int]:
        return set(self.access.community_roles)

    @cached_property
    def venster_programmes(self) -> set[int]:
        """Programmes whose venster this person consults (one query, only if needed)."""
        coordinated, guided = selectors.venster_programmes(self.access)
        ids = set(coordinated)
        if guided is not None:
            ids |= set(guided.values_list("programme_id", flat=True))
        return ids


@dataclass(frozen=True)
class Source:
    key: str
    label: Any
    visible: Callable[..., Any]
    fields: tuple[str, ...]
    hit: Callable[[Any, SafeString, SafeString, Seeker], Hit]
    title_field: str | None = None
    snippet_field: str | None = None
    related: tuple[str, ...] = ()
    # A second table whose text also finds the row (a newsletter issue by its items).
    also_found_by: Callable[[str, list[str]], Q] | None = None
    # On PostgreSQL, a stored document to use instead of one built from `fields`.
    stored_document: Callable[[], Any] | None = None
    # For a model with its programme kept on the row (and an index in newest-first order): the
    # windows of rows, newest first, among which lies every row a person may see, so search
    # first walks their newest rows (`selectors.newest_matches`) before it asks the GIN
    # index; None for a person whose rows it leaves to the index.
    walk_windows: Callable[[Any], list[Any] | None] | None = None

    def document(self):
        if self.stored_document is not None:
            return self.stored_document()
        return fulltext.document(*self.fields)


def _local(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)
    return value


def _plain_title(text: str, words: int = 14) -> SafeString:
    return mark_safe(escape(Truncator(" ".join((text or "").split())).words(words)))  # noqa: S308


# --- One function per source: a row and its highlighted texts become a Hit ---------------


def _community_hit(row: Community, title, snippet, seeker: Seeker) -> Hit:
    return Hit(
        title=title,
        snippet=snippet,
        url=reverse("communities:community", args=[row.pk]),
        context=row.programme.name,
    )


def _meeting_hit(row, title, snippet, seeker: Seeker) -> Hit:
    if not str(title).strip():
        title = mark_safe(  # noqa: S308 - escaped
            escape(
                _("Bijeenkomst van %(date)s")
                % {"date": f"{timezone.localtime(row.starts_at):%d-%m-%Y}"}
            )
        )
    return Hit(
        title=title,
        snippet=snippet,
        url=reverse("meetings:meeting_detail", args=[row.pk]),
        context=row.community.name,
        date=_local(row.starts_at),
    )


def _lesson_hit(row, title, snippet, seeker: Seeker) -> Hit:
    if row.community_id in seeker.own:
        url = reverse("meetings:meeting_detail", args=[row.meeting_id]) + "#outcomes"
    else:
        # A shared lesson of another community: the knowledge view shows it, the meeting
        # page (members only) would not open.
        url = (
            reverse("dissemination:knowledge", args=[row.community.programme.slug])
            + f"#gemeenschap-{row.community_id}"
        )
    return Hit(
        title=_plain_title(row.text),
        snippet=snippet,
        url=url,
        context=row.community.name,
        date=_local(row.created_at),
    )


def _agreement_hit(row, title, snippet, seeker: Seeker) -> Hit:
    return Hit(
        title=_plain_title(row.text),
        snippet=snippet,
        url=reverse("meetings:agreement", args=[row.pk]),
        context=row.community.name,
        date=row.due_date,
    )


def _signal_hit(row: Signal, title, snippet, seeker: Seeker) -> Hit:
    own = row.community_id in seeker.own
    in_venster = (
        row.state != Signal.State.DRAFT and row.community.programme_id in seeker.venster_programmes
    )
    if own or in_venster:
        return Hit(
            title=title,
            snippet=snippet,
            url=reverse("signalling:signal_detail", args=[row.pk]),
            context=row.community.name,
            date=row.raised_on,
        )
    # Seen as system partner: the system-level page, and no community named (DESIGN.md §2).
    return Hit(
        title=title,
        snippet=snippet,
        url=reverse("signalling:system_signal", args=[row.pk]),
        context=str(_("Opgeschaald naar stelselniveau")),
        date=row.raised_on,
    )


def _product_hit(row, title, snippet, seeker: Seeker) -> Hit:
    return Hit(
        title=title,
        snippet=snippet,
        url=reverse("dissemination:product", args=[row.pk]),
        context=f"{row.get_kind_display()} · {row.get_status_display()}",
        date=_local(row.updated_at),
    )


def _thread_hit(row, title, snippet, seeker: Seeker) -> Hit:
    return Hit(
        title=title,
        url=reverse("meetings:thread", args=[row.pk]),
        context=row.community.name,
        date=_local(row.last_message_at),
    )


def _message_hit(row, title, snippet, seeker: Seeker) -> Hit:
    return Hit(
        title=_plain_title(row.thread.title),
        snippet=snippet,
        url=reverse("meetings:thread", args=[row.thread_id]) + f"#message-{row.pk}",
        context=row.thread.community.name,
        date=_local(row.created_at),
    )


def _issue_hit(row, title, snippet, seeker: Seeker) -> Hit:
    return Hit(
        title=title,
        snippet=snippet,
        url=reverse("dissemination:issue", args=[row.pk]),
        context=row.newsletter.title,
        date=_local(row.sent_at),
    )


def _signal_document():
    """The venster's stored document of a signal (a generated column with its GIN index,
    signalling migration 0004), so search and venster share one index."""
    from leerkring.signalling import search as signal_search

    return signal_search.stored_document()


def _lesson_document():
    """The lesson's stored document (a generated column with its GIN index, search migration
    0002): the walk tests it and ranking reads it, so no document is rebuilt from the text."""
    from leerkring.meetings.models import Lesson

    return fulltext.StoredDocument(Lesson)


def _product_document():
    """The product's stored document (search migration 0003), as the lesson's."""
    from leerkring.dissemination.models import Product

    return fulltext.StoredDocument(Product)


def _issue_items(q: str, words: list[str]) -> Q:
    items = IssueItem.objects.all()
    if fulltext.is_full_text():
        items = items.annotate(search_document=fulltext.document("title", "body")).filter(
            search_document=fulltext.search_query(q)
        )
    else:
        items = items.filter(fulltext.fallback_q(("title", "body"), words))
    return Q(pk__in=items.values("issue_id"))


SOURCES: dict[str, Source] = {
    source.key: source
    for source in [
        Source(
            key="communities",
            label=_("Gemeenschappen"),
            visible=selectors.communities_visible,
            fields=("name", "theme"),
            title_field="name",
            snippet_field="theme",
            related=("programme",),
            hit=_community_hit,
        ),
        Source(
            key="meetings",
            label=_("Bijeenkomsten"),
            visible=selectors.meetings_visible,
            fields=("title", "case_title", "minutes"),
            title_field="title",
            snippet_field="minutes",
            related=("community",),
            hit=_meeting_hit,
        ),
        Source(
            key="lessons",
            label=_("Leerpunten"),
            visible=selectors.lessons_visible,
            fields=("text",),
            stored_document=_lesson_document,
            walk_windows=selectors.lesson_windows,
            snippet_field="text",
            related=("community__programme",),
            hit=_lesson_hit,
        ),
        Source(
            key="agreements",
            label=_("Afspraken"),
            visible=selectors.agreements_visible,
            fields=("text",),
            snippet_field="text",
            related=("community",),
            hit=_agreement_hit,
        ),
        Source(
            key="signals",
            label=_("Signalen"),
            visible=selectors.signals_visible,
            fields=("title", "description"),
            stored_document=_signal_document,
            walk_windows=selectors.signal_windows,
            title_field="title",
            snippet_field="description",
            related=("community",),
            hit=_signal_hit,
        ),
        Source(
            key="products",
            label=_("Producten"),
            visible=selectors.products_visible,
            fields=("title", "summary"),
            stored_document=_product_document,
            title_field="title",
            snippet_field="summary",
            hit=_product_hit,
        ),
        Source(
            key="threads",
            label=_("Gesprekken"),
            visible=selectors.threads_visible,
            fields=("title",),
            title_field="title",
            related=("community",),
            hit=_thread_hit,
        ),
        Source(
            key="messages",
            label=_("Berichten in gesprekken"),
            visible=selectors.messages_visible,
            fields=("body",),
            snippet_field="body",
            related=("thread__community",),
            hit=_message_hit,
        ),
        Source(
            key="issues",
            label=_("Nieuwsbrieven"),
            visible=selectors.issues_visible,
            fields=("title", "intro"),
            title_field="title",
            snippet_field="intro",
            related=("newsletter",),
            hit=_issue_hit,
            also_found_by=_issue_items,
        ),
    ]
}
