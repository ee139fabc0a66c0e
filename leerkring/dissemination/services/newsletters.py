"""Newsletters and their issues: composing an issue from shareable lessons, products, stories
and signal answers, editing its items, publishing it and sending it (by the task worker)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.core import guard
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.dissemination import newsletter as newsletter_machinery
from leerkring.dissemination.models import IssueItem, Newsletter, NewsletterIssue
from leerkring.dissemination.tasks import newsletter_issue_send


def _newsletter_community(newsletter: Newsletter) -> int | None:
    return newsletter.community_id


def _clean_title(value: str, field: str = "title") -> str:
    title = " ".join(clean_text(value).split())
    if not title:
        raise ValidationError({field: _("Vul een titel in.")})
    return title


@transaction.atomic
def newsletter_create(
    *, programme: Programme, community: Community | None, title: str, is_public: bool, by: Any
) -> Newsletter:
    if community is not None and community.programme_id != programme.pk:
        raise ValidationError({"community": _("Kies een gemeenschap uit dit programma.")})
    newsletter = Newsletter(
        programme=programme,
        community=community,
        title=_clean_title(title),
        is_public=is_public,
    )
    newsletter.full_clean()
    newsletter.save()
    audit(
        actor=by,
        verb="newsletter.created",
        obj=newsletter,
        community_id=newsletter.community_id,
        is_public=is_public,
    )
    return newsletter


@transaction.atomic
def newsletter_update(
    *, newsletter: Newsletter, title: str, is_public: bool, by: Any
) -> Newsletter:
    newsletter.title = _clean_title(title)
    changed_visibility = newsletter.is_public != is_public
    newsletter.is_public = is_public
    newsletter.full_clean()
    newsletter.save(update_fields=["title", "is_public"])
    audit(
        actor=by,
        verb="newsletter.updated",
        obj=newsletter,
        community_id=newsletter.community_id,
        is_public=is_public,
        visibility_changed=changed_visibility,
    )
    return newsletter


@transaction.atomic
def issue_create(*, newsletter: Newsletter, by: Any, title: str = "") -> NewsletterIssue:
    """Numbers follow each other per newsletter; the newsletter row is locked while the next
    number is taken, so two editors starting at once do not both get the same one."""
    Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    number = (newsletter.issues.aggregate(last=Max("number"))["last"] or 0) + 1
    title = " ".join(clean_text(title).split()) or _("Editie %(number)s") % {"number": number}
    issue = NewsletterIssue(
        newsletter=newsletter,
        number=number,
        title=title,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    issue.full_clean()
    issue.save()
    audit(
        actor=by,
        verb="newsletter.issue_created",
        obj=issue,
        community_id=_newsletter_community(newsletter),
        number=number,
    )
    return issue


def _lock_draft(issue: NewsletterIssue) -> NewsletterIssue:
    locked = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.status != NewsletterIssue.Status.DRAFT:
        raise ValidationError(
            _("Deze editie is al gepubliceerd. Wat verstuurd is, verandert niet meer.")
        )
    return locked


@transaction.atomic
def issue_update(*, issue: NewsletterIssue, title: str, intro: str, by: Any) -> NewsletterIssue:
    _lock_draft(issue)
    issue.title = _clean_title(title)
    issue.intro = clean_text(intro).strip()
    issue.full_clean()
    issue.save(update_fields=["title", "intro"])
    audit(
        actor=by,
        verb="newsletter.issue_updated",
        obj=issue,
        community_id=_newsletter_community(issue.newsletter),
    )
    return issue


def _renumber(issue: NewsletterIssue, items: list[IssueItem] | None = None) -> list[IssueItem]:
    items = items if items is not None else list(issue.items.order_by("position", "pk"))
    for position, item in enumerate(items):
        item.position = position
    IssueItem.objects.bulk_update(items, ["position"])
    return items


@transaction.atomic
def issue_picks_set(
    *,
    issue: NewsletterIssue,
    keys: Iterable[str],
    by: Any,
    shown: Iterable[str] | None = None,
) -> list[IssueItem]:
    """Make the issue's picked sources what the editor ticked. A newly ticked source is copied
    (title and text) at this moment; one already in the issue keeps the editor's edits; an
    unticked one leaves. Only what `newsletter.candidates_by_key` allows can be added.

    `shown` are the candidates the editor saw (one page of a searched, filtered list): only
    those are decided, every other pick stays. Without it the ticked keys are the whole
    choice."""
    _lock_draft(issue)
    existing = {
        f"{item.kind}:{item.source_id}": item
        for item in issue.items.exclude(kind=IssueItem.Kind.TEXT)
    }
    wanted = list(dict.fromkeys(keys))
    if shown is not None:
        seen = set(shown)
        wanted += [key for key in existing if key not in seen and key not in wanted]
    new_keys = [key for key in wanted if key not in existing]
    allowed = newsletter_machinery.candidates_by_key(newsletter=issue.newsletter, keys=new_keys)
    refused = [key for key in new_keys if key not in allowed]
    if refused:
        raise ValidationError(
            _("Een of meer gekozen onderdelen zijn niet (meer) gedeeld en kunnen niet mee.")
        )
    removed = [item for key, item in existing.items() if key not in wanted]
    for item in removed:
        item.delete()
    last = issue.items.aggregate(last=Max("position"))["last"]
    position = -1 if last is None else last
    added = []
    for key in new_keys:
        candidate = allowed[key]
        position += 1
        item = IssueItem(
            issue=issue,
            position=position,
            kind=candidate.kind,
            source_id=candidate.source_id,
            title=candidate.title[:200] or candidate.kind,
            body=candidate.body,
        )
        item.full_clean()
        added.append(item)
    IssueItem.objects.bulk_create(added)
    items = _renumber(issue)
    audit(
        actor=by,
        verb="newsletter.issue_picks",
        obj=issue,
        community_id=_newsletter_community(issue.newsletter),
        added=new_keys,
        removed=[f"{item.kind}:{item.source_id}" for item in removed],
    )
    return items


@transaction.atomic
def issue_item_add_text(*, issue: NewsletterIssue, title: str, body: str, by: Any) -> IssueItem:
    _lock_draft(issue)
    last = issue.items.aggregate(last=Max("position"))["last"]
    item = IssueItem(
        issue=issue,
        position=0 if last is None else last + 1,
        kind=IssueItem.Kind.TEXT,
        title=_clean_title(title),
        body=clean_text(body).strip(),
    )
    item.full_clean()
    item.save()
    audit(
        actor=by,
        verb="newsletter.item_added",
        obj=issue,
        community_id=_newsletter_community(issue.newsletter),
        item=item.pk,
    )
    return item


@transaction.atomic
def issue_item_update(*, item: IssueItem, title: str, body: str, by: Any) -> IssueItem:
    """Edits the issue's copy only; the lesson, product or story itself stays as it is."""
    _lock_draft(item.issue)
    item.title = _clean_title(title)
    item.body = clean_text(body).strip()
    item.full_clean()
    item.save(update_fields=["title", "body"])
    audit(
        actor=by,
        verb="newsletter.item_updated",
        obj=item.issue,
        community_id=_newsletter_community(item.issue.newsletter),
        item=item.pk,
    )
    return item


@transaction.atomic
def issue_item_remove(*, item: IssueItem, by: Any) -> None:
    issue = item.issue
    _lock_draft(issue)
    pk = item.pk
    item.delete()
    _renumber(issue)
    audit(
        actor=by,
        verb="newsletter.item_removed",
        obj=issue,
        community_id=_newsletter_community(issue.newsletter),
        item=pk,
    )


@transaction.atomic
def issue_item_move(*, item: IssueItem, direction: str, by: Any) -> None:
    """One place up or down; at the top or bottom nothing changes."""
    issue = item.issue
    _lock_draft(issue)
    items = list(issue.items.order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    _renumber(issue, items)
    audit(
        actor=by,
        verb="newsletter.item_moved",
        obj=issue,
        community_id=_newsletter_community(issue.newsletter),
        item=item.pk,
        direction=direction,
    )


def issue_texts(*, issue: NewsletterIssue, items: list[IssueItem]) -> dict[str, str]:
    """Every text of the issue as it will go out, keyed by what the editor calls it (the
    guard's warning shows these names)."""
    texts = {str(_("Titel en inleiding")): f"{issue.title}\n\n{issue.intro}".strip()}
    for number, item in enumerate(items, start=1):
        texts[f"{number}. {item.title}"] = f"{item.title}\n\n{item.body}".strip()
    return texts


def issue_publish_check(
    *, issue: NewsletterIssue, guard_confirmed: bool = False
) -> tuple[list[IssueItem], list[guard.Finding]]:
    """Every reason `issue_publish` refuses, raised as it raises them, without changing
    anything: the confirmation that states the count is shown only for an issue that can go.
    Returns the items and the guard's findings."""
    if issue.status == NewsletterIssue.Status.SENDING:
        raise ValidationError(_("Deze editie wordt al verstuurd. Wacht tot dat klaar is."))
    if issue.status == NewsletterIssue.Status.SENT:
        raise ValidationError(_("Deze editie is al verstuurd."))
    busy = NewsletterIssue.objects.filter(
        newsletter_id=issue.newsletter_id, status=NewsletterIssue.Status.SENDING
    ).exclude(pk=issue.pk)
    if busy.exists():
        raise ValidationError(
            _(
                "Er wordt nog een andere editie van deze nieuwsbrief verstuurd. Publiceer deze "
                "editie als dat klaar is."
            )
        )
    items = list(issue.items.order_by("position", "pk"))
    if not items:
        raise ValidationError(
            _(
                "Deze editie is nog leeg. Kies minstens één leerpunt, product, verhaal of "
                "signaal, of schrijf een eigen tekst, voordat je publiceert."
            )
        )
    keys = [f"{item.kind}:{item.source_id}" for item in items if item.kind != IssueItem.Kind.TEXT]
    still_shared = newsletter_machinery.candidates_by_key(newsletter=issue.newsletter, keys=keys)
    withdrawn = [item.title for item in items if item.kind != IssueItem.Kind.TEXT
                 and f"{item.kind}:{item.source_id}" not in still_shared]  # fmt: skip
    if withdrawn:
        raise ValidationError(
            _("Niet meer gedeeld, haal dit eerst uit de editie: %(titles)s.")
            % {"titles": "; ".join(withdrawn)}
        )
    findings = guard.check(issue_texts(issue=issue, items=items), confirmed=guard_confirmed)
    return items, findings


@transaction.atomic
def issue_publish(
    *, issue: NewsletterIssue, by: Any, guard_confirmed: bool = False
) -> NewsletterIssue:
    """Publish to the archive and queue the send. Refused for an empty issue, for one already
    published, while another issue of the newsletter is still being sent, and when a picked
    source is no longer shared (it must not leave the room after all, DESIGN.md §2). What goes
    out — the editor's own texts and edits included — passes the personal-data guard."""
    Newsletter.objects.select_for_update().get(pk=issue.newsletter_id)
    locked = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    items, findings = issue_publish_check(issue=locked, guard_confirmed=guard_confirmed)
    now = timezone.now()
    issue.status = NewsletterIssue.Status.SENDING
    issue.published_at = now
    issue.save(update_fields=["status", "published_at"])
    audit(
        actor=by,
        verb="newsletter.issue_published",
        obj=issue,
        community_id=_newsletter_community(issue.newsletter),
        items=len(items),
        guard_findings=sorted({f.kind for f in findings}),
    )
    issue_id = issue.pk
    transaction.on_commit(lambda: _enqueue_send(issue_id))
    return issue


def _enqueue_send(issue_id: int) -> None:
    newsletter_issue_send.enqueue(issue_id=issue_id)


def issue_send_resume(*, issue: NewsletterIssue, by: Any) -> None:
    """Queue the send again for an issue stuck in "sending" (a worker stopped halfway). Safe:
    what was sent is not sent again."""
    if issue.status != NewsletterIssue.Status.SENDING:
        raise ValidationError(_("Deze editie wordt niet (meer) verstuurd."))
    audit(
        actor=by,
        verb="newsletter.issue_send_resumed",
        obj=issue,
        community_id=_newsletter_community(issue.newsletter),
    )
    transaction.on_commit(lambda: _enqueue_send(issue.pk))


@transaction.atomic
def issue_mail_resend(*, issue: NewsletterIssue, by: Any) -> int:
    """ "Opnieuw versturen naar wie het niet kreeg": every failed e-mail of the issue goes out
    again with a fresh retry period. Returns how many."""
    count = newsletter_machinery.deliveries_resend(issue=issue)
    if count:
        audit(
            actor=by,
            verb="newsletter.issue_resent",
            obj=issue,
            community_id=_newsletter_community(issue.newsletter),
            recipients=count,
        )
    return count
