"""State changes of the dissemination app. Each function validates, runs in one transaction and
writes the audit history. Each block belongs to one part."""

from __future__ import annotations

# --- Products and knowledge view -----------------------------------------------------------
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Organisation
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text

from .models import Dissemination, Product, ProductFile, ProductLink
from .uploads import check_upload

# The life cycle of a product (report §3.2.5), in order. A product moves one step at a time,
# forward or back, so a status never skips what the community did not do.
PRODUCT_STATUS_ORDER = [
    Product.Status.IDEA,
    Product.Status.IN_DEVELOPMENT,
    Product.Status.READY,
    Product.Status.DISSEMINATED,
]
PRODUCT_FIELDS = frozenset({"title", "kind", "summary", "scope", "topic_category", "shareable"})
LINK_SCHEMES = ("http://", "https://")


def _community_of(product: Product) -> int | None:
    """The audit's community: the first community behind the product (by id)."""
    ids = sorted(c.pk for c in product.communities.all())
    return ids[0] if ids else None


def _audit_product(*, product: Product, by: Any, verb: str, **data: Any) -> None:
    """Every product change is audited on the product, filed under its first community."""
    audit(actor=by, verb=verb, obj=product, community_id=_community_of(product), **data)


def product_status_steps(*, product: Product) -> list[str]:
    """The statuses the product may move to now: one step back, one step forward."""
    index = PRODUCT_STATUS_ORDER.index(product.status)
    steps = []
    if index > 0:
        steps.append(PRODUCT_STATUS_ORDER[index - 1])
    if index < len(PRODUCT_STATUS_ORDER) - 1:
        steps.append(PRODUCT_STATUS_ORDER[index + 1])
    return steps


def _check_backers(
    *, programme_id: int, communities: Iterable[Community], organisations: Iterable[Organisation]
) -> tuple[list[Community], list[Organisation]]:
    communities = list(communities)
    if not communities:
        raise ValidationError(
            {"communities": _("Kies minstens één gemeenschap die achter het product staat.")}
        )
    if any(community.programme_id != programme_id for community in communities):
        raise ValidationError(
            {"communities": _("Kies alleen gemeenschappen uit hetzelfde programma.")}
        )
    return communities, list(organisations)


@transaction.atomic
def product_create(
    *,
    community: Community,
    by: Any,
    title: str,
    kind: str,
    summary: str = "",
    status: str = Product.Status.IDEA,
    scope: str = Product.Scope.REGIONAL,
    topic_category: str = "",
    shareable: bool = False,
    communities: Iterable[Community] = (),
    organisations: Iterable[Organisation] = (),
) -> Product:
    """A product starts in the community it was made in; other communities of the same
    programme may stand behind it too. It cannot start as "disseminated": that status needs a
    record of where it was shared."""
    if status == Product.Status.DISSEMINATED:
        raise ValidationError(
            {"status": _("Een nieuw product is nog niet verspreid. Kies een andere status.")}
        )
    backers = {community.pk: community, **{c.pk: c for c in communities}}
    backers_list, organisations_list = _check_backers(
        programme_id=community.programme_id,
        communities=backers.values(),
        organisations=organisations,
    )
    product = Product(
        programme_id=community.programme_id,
        title=clean_text(title).strip(),
        kind=kind,
        summary=clean_text(summary),
        status=status,
        scope=scope,
        topic_category=topic_category,
        shareable=shareable,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    product.full_clean()
    product.save()
    product.communities.set(backers_list)
    product.organisations.set(organisations_list)
    audit(
        actor=by,
        verb="product.created",
        obj=product,
        community_id=community.pk,
        title=product.title,
        status=product.status,
        shareable=product.shareable,
        communities=sorted(backers),
    )
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    by: Any,
    communities: Iterable[Community],
    organisations: Iterable[Organisation] = (),
    **fields: Any,
) -> Product:
    """Change what the product is, who stands behind it and whether it is shared. The status
    has its own step (`product_status_change`)."""
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise TypeError(f"product_update got unknown fields: {sorted(unknown)}")
    product = Product.objects.select_for_update().get(pk=product.pk)
    communities_list, organisations_list = _check_backers(
        programme_id=product.programme_id, communities=communities, organisations=organisations
    )
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("title", "summary"):
            value = clean_text(value)
            value = value.strip() if name == "title" else value
        if getattr(product, name) != value:
            changes[name] = value
            setattr(product, name, value)
    product.full_clean()
    product.save()
    old_communities = set(product.communities.values_list("pk", flat=True))
    new_communities = {c.pk for c in communities_list}
    if old_communities != new_communities:
        changes["communities"] = sorted(new_communities)
        product.communities.set(communities_list)
    old_organisations = set(product.organisations.values_list("pk", flat=True))
    new_organisations = {o.pk for o in organisations_list}
    if old_organisations != new_organisations:
        changes["organisations"] = sorted(new_organisations)
        product.organisations.set(organisations_list)
    if changes:
        audit(
            actor=by,
            verb="product.updated",
            obj=product,
            community_id=min(new_communities),
            # The summary can be long; the history says that it changed, not what it says.
            changes={k: ("…" if k == "summary" else v) for k, v in changes.items()},
        )
    return product


@transaction.atomic
def product_status_change(*, product: Product, status: str, by: Any) -> Product:
    """One step forward or back. "Disseminated" needs at least one entry in the dissemination
    log: the status says the product went somewhere, and the log says where (report §3.2.5;
    the reports count products used beyond the community from it)."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if status not in Product.Status.values:
        raise ValidationError({"status": _("Kies een geldige status.")})
    if status == product.status:
        return product
    if status not in product_status_steps(product=product):
        raise ValidationError(
            {
                "status": _(
                    "Een product gaat één stap tegelijk vooruit of terug. Van ‘%(old)s’ kan "
                    "het niet naar ‘%(new)s’."
                )
                % {"old": product.get_status_display(), "new": Product.Status(status).label}
            }
        )
    if status == Product.Status.DISSEMINATED and not product.disseminations.exists():
        raise ValidationError(
            {
                "status": _(
                    "Leg eerst vast waar het product gedeeld is (bij ‘Verspreiding’). Daarna "
                    "kan de status op ‘Verspreid’."
                )
            }
        )
    old = product.status
    product.status = status
    product.save(update_fields=["status", "updated_at"])
    _audit_product(
        product=product,
        by=by,
        verb="product.status_changed",
        old=old,
        new=status,
    )
    return product


@transaction.atomic
def product_file_add(*, product: Product, upload: UploadedFile, by: Any) -> ProductFile:
    """Store a checked file under a random name (uploads.check_upload refuses the rest)."""
    checked = check_upload(upload)
    product_file = ProductFile(
        product=product,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    upload.seek(0)
    product_file.file.save(checked.stored_name, upload, save=False)
    try:
        product_file.save()
    except Exception:
        # A file on disk without its row could never be reached or removed.
        product_file.file.delete(save=False)
        raise
    _audit_product(
        product=product,
        by=by,
        verb="product.file_added",
        file=product_file.pk,
        name=product_file.original_name,
        content_type=product_file.content_type,
        size=product_file.size,
    )
    return product_file


@transaction.atomic
def product_file_remove(*, product_file: ProductFile, by: Any) -> None:
    product = product_file.product
    name, pk, stored = product_file.original_name, product_file.pk, product_file.file.name
    storage = product_file.file.storage
    product_file.delete()
    _audit_product(
        product=product,
        by=by,
        verb="product.file_removed",
        file=pk,
        name=name,
    )
    # Only once the row is gone for good does the file go too.
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def product_link_add(*, product: Product, url: str, title: str, by: Any) -> ProductLink:
    url = (url or "").strip()
    if not url.lower().startswith(LINK_SCHEMES):
        raise ValidationError({"url": _("Geef een webadres dat begint met http:// of https://.")})
    link = ProductLink(product=product, url=url, title=clean_text(title).strip())
    link.full_clean()
    link.save()
    _audit_product(
        product=product,
        by=by,
        verb="product.link_added",
        link=link.pk,
        url=link.url,
    )
    return link


@transaction.atomic
def product_link_remove(*, link: ProductLink, by: Any) -> None:
    product = link.product
    pk, url = link.pk, link.url
    link.delete()
    _audit_product(
        product=product,
        by=by,
        verb="product.link_removed",
        link=pk,
        url=url,
    )


@transaction.atomic
def dissemination_add(
    *,
    product: Product,
    channel: str,
    shared_on: Any,
    description: str = "",
    beyond_community: bool = True,
    by: Any,
) -> Dissemination:
    if shared_on and shared_on > timezone.localdate():
        raise ValidationError(
            {"shared_on": _("Deze datum ligt in de toekomst. Leg vast wat al gedeeld is.")}
        )
    entry = Dissemination(
        product=product,
        channel=channel,
        shared_on=shared_on,
        description=clean_text(description).strip(),
        beyond_community=beyond_community,
        shared_by=by if getattr(by, "is_authenticated", False) else None,
    )
    entry.full_clean()
    entry.save()
    _audit_product(
        product=product,
        by=by,
        verb="product.dissemination_added",
        entry=entry.pk,
        channel=channel,
        shared_on=str(shared_on),
        beyond_community=beyond_community,
    )
    return entry


@transaction.atomic
def dissemination_remove(*, entry: Dissemination, by: Any) -> None:
    """The last entry of a disseminated product stays: without it the status would claim a
    sharing nobody can point to. Set the status back to "ready" first."""
    product = Product.objects.select_for_update().get(pk=entry.product_id)
    if (
        product.status == Product.Status.DISSEMINATED
        and not product.disseminations.exclude(pk=entry.pk).exists()
    ):
        raise ValidationError(
            _(
                "Dit is de laatste vermelding van een verspreid product. Zet de status eerst "
                "terug naar ‘Klaar’, of voeg eerst een andere vermelding toe."
            )
        )
    pk, channel = entry.pk, entry.channel
    entry.delete()
    _audit_product(
        product=product,
        by=by,
        verb="product.dissemination_removed",
        entry=pk,
        channel=channel,
    )


# --- Newsletter ----------------------------------------------------------------------------
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.validators import validate_email  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.urls import reverse  # noqa: E402

from leerkring.communities.models import Programme  # noqa: E402
from leerkring.core.emails import emails_send_on_commit  # noqa: E402

from . import newsletter as newsletter_machinery  # noqa: E402
from .models import (  # noqa: E402
    Delivery,
    IssueItem,
    Newsletter,
    NewsletterIssue,
    Subscriber,
)


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
def issue_picks_set(*, issue: NewsletterIssue, keys: Iterable[str], by: Any) -> list[IssueItem]:
    """Make the issue's picked sources what the editor ticked. A newly ticked source is copied
    (title and text) at this moment; one already in the issue keeps the editor's edits; an
    unticked one leaves. Only what `newsletter.candidates_by_key` allows can be added."""
    _lock_draft(issue)
    wanted = list(dict.fromkeys(keys))
    existing = {
        f"{item.kind}:{item.source_id}": item
        for item in issue.items.exclude(kind=IssueItem.Kind.TEXT)
    }
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


@transaction.atomic
def issue_publish(*, issue: NewsletterIssue, by: Any) -> NewsletterIssue:
    """Publish to the archive and queue the send. Refused for an empty issue, for one already
    published, while another issue of the newsletter is still being sent, and when a picked
    source is no longer shared (it must not leave the room after all, DESIGN.md §2)."""
    Newsletter.objects.select_for_update().get(pk=issue.newsletter_id)
    locked = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.status == NewsletterIssue.Status.SENDING:
        raise ValidationError(_("Deze editie wordt al verstuurd. Wacht tot dat klaar is."))
    if locked.status == NewsletterIssue.Status.SENT:
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
    items = list(issue.items.all())
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
    )
    issue_id = issue.pk
    transaction.on_commit(lambda: _enqueue_send(issue_id))
    return issue


def _enqueue_send(issue_id: int) -> None:
    from .tasks import newsletter_issue_send

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


# Subscribers


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@transaction.atomic
def subscriber_member_join(*, newsletter: Newsletter, user: Any) -> Subscriber:
    """A signed-in member opts in with one click: their address is the one they sign in with,
    so it counts as confirmed at once (no double opt-in needed)."""
    email = _normalise_email(user.email)
    if not email:
        raise ValidationError(_("Je account heeft geen e-mailadres."))
    person = access_for_person(user)
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        newsletter=newsletter, email=email, defaults={"person": person}
    )
    now = timezone.now()
    subscriber.person = subscriber.person or person
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["person", "confirmed_at", "unsubscribed_at"])
    audit(
        actor=user,
        verb="newsletter.member_subscribed",
        obj=subscriber,
        community_id=newsletter.community_id,
    )
    return subscriber


def access_for_person(user: Any):
    from leerkring.communities.permissions import access_for

    return access_for(user).person


@transaction.atomic
def subscriber_request(*, newsletter: Newsletter, email: str) -> Subscriber:
    """A public sign-up: the row waits, unconfirmed, until the link in the confirmation e-mail
    is followed (double opt-in). Signing up again sends a new link and makes no second row;
    an active subscription is left as it is, so nobody can unsubscribe someone else by typing
    their address."""
    email = _normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Vul een geldig e-mailadres in.")}) from None
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(
        newsletter=newsletter, email=email
    )
    audit(
        actor=AnonymousUser(),
        verb="newsletter.subscription_requested",
        obj=subscriber,
        community_id=newsletter.community_id,
        created=created,
    )
    url = newsletter_machinery.absolute(
        reverse(
            "dissemination:newsletter_confirm",
            args=[newsletter_machinery.confirm_token(subscriber)],
        )
    )
    message = newsletter_machinery.message_build(
        template="dissemination/email/confirm",
        context={"newsletter": newsletter, "confirm_url": url},
        subject=_("Bevestig je aanmelding voor %(title)s") % {"title": newsletter.title},
        to=email,
    )
    emails_send_on_commit([message])
    return subscriber


@transaction.atomic
def subscriber_confirm(*, subscriber_id: int, email: str) -> Subscriber | None:
    """Follow the confirmation link. Returns None when the link does not match a sign-up."""
    subscriber = (
        Subscriber.objects.select_for_update()
        .filter(pk=subscriber_id, email=email)
        .select_related("newsletter")
        .first()
    )
    if subscriber is None:
        return None
    if subscriber.confirmed_at and not subscriber.unsubscribed_at:
        return subscriber
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    audit(
        actor=AnonymousUser(),
        verb="newsletter.subscription_confirmed",
        obj=subscriber,
        community_id=subscriber.newsletter.community_id,
    )
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber, by: Any = None) -> bool:
    """Returns False when the subscriber had already unsubscribed (the link was used before)."""
    locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if locked.unsubscribed_at:
        return False
    locked.unsubscribed_at = timezone.now()
    locked.save(update_fields=["unsubscribed_at"])
    subscriber.unsubscribed_at = locked.unsubscribed_at
    audit(
        actor=by or AnonymousUser(),
        verb="newsletter.unsubscribed",
        obj=locked,
        community_id=subscriber.newsletter.community_id if subscriber.newsletter_id else None,
    )
    return True


@transaction.atomic
def delivery_mark_bounced(*, email: str, by: Any = None, reason: str = "") -> int:
    """Record that mail to this address bounced (reported by the mail server afterwards), for
    the latest delivery of each of its subscriptions, and stop sending to it: the subscriptions
    end, as a hard bounce means the address is gone. Returns the deliveries marked.

    Used by the Django admin's "onbestelbaar" action; a bounce-mailbox reader or a webhook of
    the mail provider can call the same function later."""
    email = _normalise_email(email)
    subscribers = list(Subscriber.objects.select_for_update().filter(email=email))
    marked = 0
    now = timezone.now()
    for subscriber in subscribers:
        latest = (
            Delivery.objects.filter(subscriber=subscriber)
            .exclude(status=Delivery.Status.PENDING)
            .order_by("-issue__number", "-pk")
            .first()
        )
        if latest is not None:
            latest.status = Delivery.Status.BOUNCED
            latest.error = reason or _("Onbestelbaar gemeld")
            latest.save(update_fields=["status", "error"])
            marked += 1
        if subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = now
            subscriber.save(update_fields=["unsubscribed_at"])
        audit(
            actor=by or AnonymousUser(),
            verb="newsletter.bounced",
            obj=subscriber,
            community_id=subscriber.newsletter.community_id,
            delivery=latest.pk if latest else None,
        )
    return marked


# --- Search --------------------------------------------------------------------------------
