"""The newsletter's machinery: what an issue can be made of, how it looks, and how it is sent.

- *Candidates* (issue "Dissemination" §2): what the newsletter's communities shared since the
  last issue went out — shareable lessons, ready products marked shareable, change stories the
  evaluator selected and marked shareable, and signals that got an answer. Nothing else can be
  picked: `candidates_by_key` checks every pick against the same rules, so a posted id of a
  lesson that was never shared is refused (DESIGN.md §2).
- *Rendering*: one template pair for the e-mail (HTML with its CSS inlined for mail clients that
  drop `<style>`, plus plain text) that the preview and the web archive reuse, rendered once per
  issue; only the unsubscribe link differs per subscriber.
- *Sending* (`issue_deliver`, run by the task in `tasks.py`): per batch of confirmed
  subscribers, their `Delivery` rows and their e-mails in the outbox (`leerkring.outbox`) are
  written in one transaction, so however often the task runs or wherever it was killed, each
  subscriber is queued once. The outbox delivers, retries temporary refusals and reports each
  final outcome back (`delivery_record`), which closes the send when nothing is pending.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import css_inline
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from leerkring.communities.models import Community
from leerkring.core import sealing
from leerkring.core.audit import audit
from leerkring.core.emails import email_build
from leerkring.core.id_lists import as_key
from leerkring.meetings.models import Lesson
from leerkring.outbox import selectors as outbox_selectors
from leerkring.outbox import services as outbox
from leerkring.outbox.models import Message
from leerkring.signalling.models import Signal, SignalResponse

from .models import Delivery, IssueItem, Newsletter, NewsletterIssue, Product, Subscriber

# The first issue looks back this far; later ones look back to the previous issue.
FIRST_ISSUE_LOOKBACK = datetime.timedelta(days=91)
ISSUE_KIND = "dissemination.issue"
DELIVERY_REFERENCE = "dissemination.delivery:"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7
UNSUBSCRIBE_SALT = "leerkring.dissemination.unsubscribe"
TOKEN_PURPOSE = "dissemination.unsubscribe-token"  # noqa: S105 - a sealing purpose
# Stands in for the personal unsubscribe address while an issue is rendered once for everyone.
UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/__LEERKRING_UNSUBSCRIBE__/"

PUBLISHED = (NewsletterIssue.Status.SENDING, NewsletterIssue.Status.SENT)
PRODUCT_READY = (Product.Status.READY, Product.Status.DISSEMINATED)


# --- Candidates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    kind: str
    source_id: int
    title: str
    body: str
    context: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.source_id}"


CANDIDATE_KINDS = (
    IssueItem.Kind.LESSON,
    IssueItem.Kind.PRODUCT,
    IssueItem.Kind.STORY,
    IssueItem.Kind.SIGNAL,
)


def period_start(
    *, newsletter: Newsletter, now: datetime.datetime | None = None
) -> datetime.datetime:
    """Since when to gather: the moment the previous issue was published, or three months
    back for a newsletter's first issue."""
    last = (
        NewsletterIssue.objects.filter(newsletter=newsletter, status__in=PUBLISHED)
        .exclude(published_at=None)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return last or (now or timezone.now()) - FIRST_ISSUE_LOOKBACK


def _community_scope(newsletter: Newsletter, field: str = "community") -> Q:
    """A community newsletter draws on its own community; a programme newsletter on all of the
    programme's communities."""
    if newsletter.community_id:
        return Q(**{f"{field}_id": newsletter.community_id})
    return Q(**{f"{field}__programme_id": newsletter.programme_id})


def _used_keys(newsletter: Newsletter) -> set[str]:
    """What an earlier published issue of this newsletter already carried."""
    rows = IssueItem.objects.filter(
        issue__newsletter=newsletter, issue__status__in=PUBLISHED, source_id__isnull=False
    ).values_list("kind", "source_id")
    return {f"{kind}:{source_id}" for kind, source_id in rows}


def _first_line(text: str, chars: int = 120) -> str:
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    return Truncator(line.lstrip("#*-> ").strip()).chars(chars)


def _lessons(newsletter: Newsletter, since, ids) -> list[Candidate]:
    lessons = Lesson.objects.filter(_community_scope(newsletter), shareable=True).select_related(
        "community", "meeting"
    )
    if since is not None:
        lessons = lessons.filter(created_at__gte=since)
    if ids is not None:
        lessons = lessons.filter(pk__in=ids)
    return [
        Candidate(
            kind=IssueItem.Kind.LESSON,
            source_id=lesson.pk,
            title=_first_line(lesson.text),
            body=f"{lesson.text.strip()}\n\n_{_('Uit %(community)s') % {'community': lesson.community.name}}_",
            context=_("%(community)s, bijeenkomst van %(date)s")
            % {
                "community": lesson.community.name,
                "date": date_format(timezone.localtime(lesson.meeting.starts_at), "j F Y"),
            },
        )
        for lesson in lessons.order_by("-created_at", "-pk")
    ]


def _products(newsletter: Newsletter, since, ids) -> list[Candidate]:
    products = Product.objects.filter(
        programme_id=newsletter.programme_id, shareable=True, status__in=PRODUCT_READY
    ).prefetch_related(Prefetch("communities", queryset=Community.objects.order_by("name")))
    if newsletter.community_id:
        products = products.filter(communities=newsletter.community_id)
    if since is not None:
        products = products.filter(updated_at__gte=since)
    if ids is not None:
        products = products.filter(pk__in=ids)
    candidates = []
    for product in products.distinct().order_by("-updated_at", "-pk"):
        names = ", ".join(community.name for community in product.communities.all())
        byline = f"{product.get_kind_display()}" + (f" · {names}" if names else "")
        candidates.append(
            Candidate(
                kind=IssueItem.Kind.PRODUCT,
                source_id=product.pk,
                title=product.title,
                body=f"{product.summary.strip()}\n\n_{byline}_".strip(),
                context=f"{byline} · {product.get_status_display()}",
            )
        )
    return candidates


def _stories(newsletter: Newsletter, ids) -> list[Candidate]:
    """Stories have no date of selection, so every selected, shareable story that no earlier
    issue carried stays a candidate until it is used."""
    from leerkring.evaluation import selectors as evaluation_selectors

    stories = evaluation_selectors.stories_for_newsletter(programme=newsletter.programme)
    if newsletter.community_id:
        stories = stories.filter(community_id=newsletter.community_id)
    if ids is not None:
        stories = stories.filter(pk__in=ids)
    candidates = []
    for story in stories:
        body = story.story.strip()
        if story.why_significant:
            body += "\n\n" + _("**Waarom deze verandering telt:** %(why)s") % {
                "why": story.why_significant.strip()
            }
        candidates.append(
            Candidate(
                kind=IssueItem.Kind.STORY,
                source_id=story.pk,
                title=story.title or _first_line(story.story),
                body=body,
                context=story.get_teller_display()
                + (f" · {story.community.name}" if story.community_id else ""),
            )
        )
    return candidates


def _signals(newsletter: Newsletter, since, ids) -> list[Candidate]:
    """Signals passed on by the newsletter's communities that got an answer in the period:
    their title and the answer, never the description (it may name people, DESIGN.md §2)."""
    answers = SignalResponse.objects.order_by("-created_at", "-pk")
    if since is not None:
        answers = answers.filter(created_at__gte=since)
    signals = Signal.objects.filter(_community_scope(newsletter)).exclude(state=Signal.State.DRAFT)
    signals = signals.filter(pk__in=answers.filter(signal__isnull=False).values("signal_id"))
    if ids is not None:
        signals = signals.filter(pk__in=ids)
    signals = signals.select_related("community").prefetch_related(
        Prefetch("responses", queryset=answers, to_attr="period_answers")
    )
    candidates = []
    for signal in signals.order_by("-pk"):
        answer = signal.period_answers[0] if signal.period_answers else None
        if answer is None:
            continue
        candidates.append(
            Candidate(
                kind=IssueItem.Kind.SIGNAL,
                source_id=signal.pk,
                title=signal.title,
                body=_("**Antwoord (%(source)s):** %(text)s")
                % {"source": answer.get_source_display(), "text": answer.text.strip()},
                context=_("%(community)s, beantwoord op %(date)s")
                % {
                    "community": signal.community.name,
                    "date": date_format(timezone.localtime(answer.created_at), "j F Y"),
                },
            )
        )
    return candidates


def gather_candidates(*, newsletter: Newsletter) -> dict[str, list[Candidate]]:
    """Per kind, what the editor may pick for the next issue (a fixed number of queries)."""
    since = period_start(newsletter=newsletter)
    used = _used_keys(newsletter)
    found = {
        IssueItem.Kind.LESSON: _lessons(newsletter, since, None),
        IssueItem.Kind.PRODUCT: _products(newsletter, since, None),
        IssueItem.Kind.STORY: _stories(newsletter, None),
        IssueItem.Kind.SIGNAL: _signals(newsletter, since, None),
    }
    return {
        kind: [candidate for candidate in candidates if candidate.key not in used]
        for kind, candidates in found.items()
    }


def candidates_by_key(*, newsletter: Newsletter, keys: list[str]) -> dict[str, Candidate]:
    """The picked sources that may go into this newsletter, looked up by "kind:id". Checks
    scope and sharing (not the period: a draft may take a while to finish)."""
    wanted: dict[str, list[int]] = {kind: [] for kind in CANDIDATE_KINDS}
    for key in keys:
        kind, _sep, raw_id = key.partition(":")
        if kind in wanted and (pk := as_key(raw_id)) is not None:
            wanted[kind].append(pk)
    found: list[Candidate] = []
    if wanted[IssueItem.Kind.LESSON]:
        found += _lessons(newsletter, None, wanted[IssueItem.Kind.LESSON])
    if wanted[IssueItem.Kind.PRODUCT]:
        found += _products(newsletter, None, wanted[IssueItem.Kind.PRODUCT])
    if wanted[IssueItem.Kind.STORY]:
        found += _stories(newsletter, wanted[IssueItem.Kind.STORY])
    if wanted[IssueItem.Kind.SIGNAL]:
        found += _signals(newsletter, None, wanted[IssueItem.Kind.SIGNAL])
    return {candidate.key: candidate for candidate in found}


# --- Tokens --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(subscriber: Subscriber | int) -> str:
    """The subscriber's unsubscribe token: random, made once, the same in every issue (a link
    in an old e-mail keeps working). The database keeps its hash to find the subscriber and
    the token sealed to put it in the next e-mail; nothing in it reads as an id or address."""
    pk = subscriber if isinstance(subscriber, int) else subscriber.pk
    sealed = "" if isinstance(subscriber, int) else subscriber.unsubscribe_token_sealed
    if not sealed:
        # The copy in hand may be older than the row: never replace a token already mailed.
        sealed = (
            Subscriber.objects.filter(pk=pk)
            .values_list("unsubscribe_token_sealed", flat=True)
            .first()
        )
    if not sealed:
        token = secrets.token_urlsafe(32)
        new = sealing.seal(token.encode(), purpose=TOKEN_PURPOSE)
        made = Subscriber.objects.filter(pk=pk, unsubscribe_token_sealed="").update(
            unsubscribe_token_hash=_token_hash(token), unsubscribe_token_sealed=new
        )
        sealed = (
            new
            if made
            else Subscriber.objects.values_list("unsubscribe_token_sealed", flat=True).get(pk=pk)
        )
    if not isinstance(subscriber, int):
        subscriber.unsubscribe_token_sealed = sealed
    return sealing.unseal(sealed, purpose=TOKEN_PURPOSE).decode()


def subscriber_id_from_unsubscribe_token(token: str) -> int | None:
    if not token or len(token) > 200:
        return None
    found = (
        Subscriber.objects.filter(unsubscribe_token_hash=_token_hash(token))
        .values_list("pk", flat=True)
        .first()
    )
    if found is not None:
        return found
    # Links in e-mails sent before the tokens were random: a signed subscriber number. They
    # keep working; none are made any more.
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def confirm_token(subscriber: Subscriber) -> str:
    """The double opt-in link: a new random token for each confirmation e-mail (an earlier
    one stops working), valid for `CONFIRM_MAX_AGE` seconds; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    subscriber.confirm_token_hash = _token_hash(token)
    subscriber.confirm_expires_at = timezone.now() + datetime.timedelta(seconds=CONFIRM_MAX_AGE)
    Subscriber.objects.filter(pk=subscriber.pk).update(
        confirm_token_hash=subscriber.confirm_token_hash,
        confirm_expires_at=subscriber.confirm_expires_at,
    )
    return token


def subscriber_id_from_confirm_token(token: str) -> tuple[int, str] | None:
    """(subscriber id, address) of an unexpired confirmation link, or None."""
    if not token or len(token) > 200:
        return None
    return (
        Subscriber.objects.filter(
            confirm_token_hash=_token_hash(token), confirm_expires_at__gt=timezone.now()
        )
        .values_list("pk", "email")
        .first()
    )


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(subscriber: Subscriber | int) -> str:
    return absolute(
        reverse("dissemination:newsletter_unsubscribe", args=[unsubscribe_token(subscriber)])
    )


_LINK_SLOT = "__subscriber__"


def unsubscribe_url_pattern() -> str:
    return absolute(reverse("dissemination:newsletter_unsubscribe", args=[_LINK_SLOT]))


# --- Rendering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    html: str
    text: str


_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def issue_items(issue: NewsletterIssue) -> list[IssueItem]:
    return list(issue.items.order_by("position", "pk"))


def render_issue(
    *, issue: NewsletterIssue, items: list[IssueItem] | None = None, preview: bool = False
) -> RenderedIssue:
    """The e-mail as every subscriber gets it, with `UNSUBSCRIBE_PLACEHOLDER` where the personal
    unsubscribe address goes (see `personalise`). CSS is inlined once here, not per e-mail."""
    newsletter = issue.newsletter
    context = {
        "issue": issue,
        "newsletter": newsletter,
        "items": items if items is not None else issue_items(issue),
        "web_url": absolute(reverse("dissemination:issue", args=[issue.pk])),
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "preview": preview,
    }
    html = _INLINER.inline(render_to_string("dissemination/email/newsletter.html", context))
    text = render_to_string("dissemination/email/newsletter.txt", context)
    subject = " ".join(f"{newsletter.title} – {issue.title}".split())
    return RenderedIssue(subject=subject, html=html, text=text)


def personalise(
    rendered: RenderedIssue, *, subscriber_id: int, email: str, url_pattern: str | None = None
) -> EmailMultiAlternatives:
    """One subscriber's e-mail: their own unsubscribe link in the text, in the HTML and in the
    List-Unsubscribe headers (RFC 2369, one-click per RFC 8058). `url_pattern` (from
    `unsubscribe_url_pattern`) saves resolving the URL once per e-mail."""
    if url_pattern:
        url = url_pattern.replace(_LINK_SLOT, unsubscribe_token(subscriber_id))
    else:
        url = unsubscribe_url(subscriber_id)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(UNSUBSCRIBE_PLACEHOLDER, url),
        to=[email],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(rendered.html.replace(UNSUBSCRIBE_PLACEHOLDER, url), "text/html")
    return message


# --- Sending -------------------------------------------------------------------------------


def _recipients(issue: NewsletterIssue) -> QuerySet[Subscriber]:
    """Confirmed and not unsubscribed: an unconfirmed sign-up gets nothing."""
    return Subscriber.objects.filter(
        newsletter_id=issue.newsletter_id, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )


def _not_yet_queued(issue: NewsletterIssue) -> QuerySet[Subscriber]:
    return _recipients(issue).exclude(
        pk__in=Delivery.objects.filter(issue_id=issue.pk).values("subscriber_id")
    )


def recipients_count(*, issue: NewsletterIssue) -> int:
    return _recipients(issue).count()


def delivery_reference(delivery_id: int) -> str:
    return f"{DELIVERY_REFERENCE}{delivery_id}"


def issue_deliver(*, issue_id: int, batch_size: int | None = None) -> dict[str, int]:
    """Queue a published issue for its subscribers (the send task calls this).

    Safe to run twice, side by side or after a worker was killed: each batch locks the issue
    row, takes subscribers without a `Delivery` for it, and writes their deliveries and outbox
    rows in that one transaction. There is no lock that outlives a dead worker; "Verder
    versturen" simply runs this again. Subscribers are queued `NEWSLETTER_QUEUE_BATCH` per
    transaction. Returns how many were queued by this run."""
    batch_size = batch_size or settings.NEWSLETTER_QUEUE_BATCH
    issue = NewsletterIssue.objects.select_related("newsletter").filter(pk=issue_id).first()
    if issue is None or issue.status != NewsletterIssue.Status.SENDING:
        return {"queued": 0}
    rendered = render_issue(issue=issue)
    pattern = unsubscribe_url_pattern()
    queued = 0
    while True:
        with transaction.atomic():
            locked = NewsletterIssue.objects.select_for_update().filter(pk=issue_id).first()
            if locked is None or locked.status != NewsletterIssue.Status.SENDING:
                break
            batch = list(
                _not_yet_queued(issue).order_by("pk").values_list("pk", "email")[:batch_size]
            )
            if not batch:
                break
            Delivery.objects.bulk_create(
                [Delivery(issue_id=issue_id, subscriber_id=pk) for pk, _email in batch]
            )
            delivery_of = dict(
                Delivery.objects.filter(
                    issue_id=issue_id, subscriber_id__in=[pk for pk, _email in batch]
                ).values_list("subscriber_id", "pk")
            )
            outbox.emails_queue(
                [
                    personalise(rendered, subscriber_id=pk, email=email, url_pattern=pattern)
                    for pk, email in batch
                ],
                kind=ISSUE_KIND,
                scope=issue,
                references=[delivery_reference(delivery_of[pk]) for pk, _email in batch],
            )
            queued += len(batch)
    issue_mark_sent(issue=issue)
    return {"queued": queued}


def delivery_record(sender: Any = None, *, message: Message, state: str, **kwargs: Any) -> None:
    """The outbox finished one e-mail of an issue (outbox.signals.message_finished, inside the
    transaction that records it): the delivery follows — sent, failed with the reason, or gone
    when the e-mail was cancelled (the subscriber left) — and the send closes when it was the
    last one pending."""
    if message.kind != ISSUE_KIND or not message.reference.startswith(DELIVERY_REFERENCE):
        return
    delivery_id = int(message.reference.removeprefix(DELIVERY_REFERENCE))
    deliveries = Delivery.objects.filter(pk=delivery_id)
    if state == Message.State.DONE:
        deliveries.update(status=Delivery.Status.SENT, sent_at=message.sent_at, error="")
    elif state == Message.State.FAILED:
        deliveries.update(status=Delivery.Status.FAILED, error=message.last_error[:2000])
    elif state == Message.State.CANCELLED:
        deliveries.filter(status=Delivery.Status.PENDING).delete()
    issue = NewsletterIssue.objects.filter(pk=message.scope_id).select_related("newsletter").first()
    if issue is not None and issue.status == NewsletterIssue.Status.SENDING:
        issue_mark_sent(issue=issue)


def issue_mail_progress(*, issue: NewsletterIssue) -> outbox_selectors.Progress:
    """Sent / waiting / failed with reasons, for the newsletter's editors."""
    return outbox_selectors.progress(issue, kinds=(ISSUE_KIND,))


def deliveries_resend(*, issue: NewsletterIssue) -> int:
    """Each failed e-mail of the issue goes out again with a fresh retry period, and its
    delivery waits again. Returns how many."""
    failed = outbox_selectors.failed_messages(issue, kinds=(ISSUE_KIND,))
    references = list(failed.values_list("reference", flat=True))
    count = outbox.failed_retry(messages=failed)
    ids = [
        int(reference.removeprefix(DELIVERY_REFERENCE))
        for reference in references
        if reference.startswith(DELIVERY_REFERENCE)
    ]
    Delivery.objects.filter(pk__in=ids, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, error=""
    )
    return count


def deliveries_cancel(*, subscriber: Subscriber) -> int:
    """The subscriber left: their e-mails not yet sent are stopped (the one being handed over
    right now is not)."""
    pending = Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.PENDING)
    references = [delivery_reference(pk) for pk in pending.values_list("pk", flat=True)]
    if not references:
        return 0
    return outbox.messages_cancel(
        messages=outbox_selectors.messages_with_references(kind=ISSUE_KIND, references=references),
        reason=_("Afgemeld voordat de editie werd verstuurd."),
    )


def issue_mark_sent(*, issue: NewsletterIssue) -> bool:
    """Close the send once nothing is pending; the products in it get a line in their
    dissemination log (channel "newsletter")."""
    from . import services

    with transaction.atomic():
        if Delivery.objects.filter(issue=issue, status=Delivery.Status.PENDING).exists():
            return False
        if _not_yet_queued(issue).exists():
            return False
        now = timezone.now()
        changed = NewsletterIssue.objects.filter(
            pk=issue.pk, status=NewsletterIssue.Status.SENDING
        ).update(status=NewsletterIssue.Status.SENT, sent_at=now)
        if not changed:
            return False
        issue.status, issue.sent_at = NewsletterIssue.Status.SENT, now
        counts = delivery_counts(issue=issue)
        audit(
            actor=None,
            verb="newsletter.issue_sent",
            obj=issue,
            community_id=issue.newsletter.community_id,
            **counts,
        )
        product_ids = issue.items.filter(kind=IssueItem.Kind.PRODUCT).values_list(
            "source_id", flat=True
        )
        for product in Product.objects.filter(pk__in=list(product_ids)):
            services.dissemination_add(
                product=product,
                channel="newsletter",
                shared_on=timezone.localdate(),
                description=str(issue)[:300],
                beyond_community=True,
                by=issue.created_by,
            )
    return True


def delivery_counts(*, issue: NewsletterIssue) -> dict[str, int]:
    from django.db.models import Count

    rows = Delivery.objects.filter(issue=issue).values("status").annotate(n=Count("pk"))
    counts = {status: 0 for status in Delivery.Status.values}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def message_build(*, template: str, context: dict[str, Any], subject: str, to: str):
    """A single message (confirmation), rendered by the shared e-mail helper."""
    return email_build(template=template, context=context, subject=subject, to=[to])
