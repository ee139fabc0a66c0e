"""Products and their dissemination log: creating and editing products, their status, files and
links, and where they were shared."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Organisation, Programme
from leerkring.core import guard
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.dissemination.models import Dissemination, Product, ProductFile, ProductLink
from leerkring.dissemination.uploads import check_upload

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


def _guard_shared_product(
    product: Product, *, shared: dict[str, str] | None, confirmed: bool
) -> list[guard.Finding]:
    """A product shared with the whole programme leaves the communities behind it (the
    catalogue, the knowledge view, the newsletter), so its title and summary pass the
    personal-data guard when it becomes shared or its shared text changes (DESIGN.md §2).
    `shared` is the title and summary as shared before, if it was."""
    texts = {"title": product.title, "summary": product.summary}
    if not product.shareable or texts == shared:
        return []
    return guard.check(texts, confirmed=confirmed)


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
    guard_confirmed: bool = False,
) -> Product:
    """A product starts in the community it was made in; other communities of the same
    programme may stand behind it too. It cannot start as "disseminated": that status needs a
    record of where it was shared. Shared with the programme, it passes the guard first."""
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
    findings = _guard_shared_product(product, shared=None, confirmed=guard_confirmed)
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
        guard_findings=sorted({f.kind for f in findings}),
    )
    return product


@transaction.atomic
def programme_product_create(
    *,
    programme: Programme,
    by: Any,
    title: str,
    kind: str,
    summary: str = "",
    status: str = Product.Status.READY,
    scope: str = Product.Scope.NATIONAL,
    shareable: bool = True,
    communities: Iterable[Community] = (),
    url: str = "",
    url_title: str = "",
) -> Product:
    """A product of the programme itself rather than of one community: the recording or
    report of a programme event (report §3.2.4: knowledge sessions whose results travel).
    The communities that organised it may stand behind it; without them the programme's
    coordinators keep it. A link (the recording) is added in the same transaction."""
    if status == Product.Status.DISSEMINATED:
        raise ValidationError(
            {"status": _("Een nieuw product is nog niet verspreid. Kies een andere status.")}
        )
    backers = list(communities)
    if any(community.programme_id != programme.pk for community in backers):
        raise ValidationError(
            {"communities": _("Kies alleen gemeenschappen uit hetzelfde programma.")}
        )
    product = Product(
        programme=programme,
        title=clean_text(title).strip(),
        kind=kind,
        summary=clean_text(summary),
        status=status,
        scope=scope,
        shareable=shareable,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    product.full_clean()
    product.save()
    product.communities.set(backers)
    audit(
        actor=by,
        verb="product.created",
        obj=product,
        community_id=min((c.pk for c in backers), default=None),
        title=product.title,
        status=product.status,
        shareable=product.shareable,
        communities=sorted(c.pk for c in backers),
    )
    if url:
        product_link_add(product=product, url=url, title=url_title, by=by)
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    by: Any,
    communities: Iterable[Community],
    organisations: Iterable[Organisation] = (),
    guard_confirmed: bool = False,
    **fields: Any,
) -> Product:
    """Change what the product is, who stands behind it and whether it is shared. The status
    has its own step (`product_status_change`). A shared text passes the guard again."""
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise TypeError(f"product_update got unknown fields: {sorted(unknown)}")
    product = Product.objects.select_for_update().get(pk=product.pk)
    communities_list, organisations_list = _check_backers(
        programme_id=product.programme_id, communities=communities, organisations=organisations
    )
    shared = {"title": product.title, "summary": product.summary} if product.shareable else None
    changes: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("title", "summary"):
            value = clean_text(value)
            value = value.strip() if name == "title" else value
        if getattr(product, name) != value:
            changes[name] = value
            setattr(product, name, value)
    product.full_clean()
    findings = _guard_shared_product(product, shared=shared, confirmed=guard_confirmed)
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
            guard_findings=sorted({f.kind for f in findings}),
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
