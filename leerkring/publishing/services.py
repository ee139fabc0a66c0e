"""State changes of the public knowledge base: propose, approve or decline, withdraw, and the
author's own choice to be named. Each runs in one transaction, writes the audit history and
puts its e-mail in the outbox in that same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Person
from leerkring.core import emails
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.dissemination.models import Product, ProductFile
from leerkring.meetings.models import Lesson
from leerkring.outbox.services import emails_queue

from . import guard, selectors
from .models import Publication, PublicationCredit, PublicationFile


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _source_checks(*, community: Community, product: Product | None, lesson: Lesson | None):
    """The source must be the community's own and already shareable in the programme: public
    is the level beyond that (DESIGN.md §2)."""
    if (product is None) == (lesson is None):
        raise ValidationError(_("Kies één leerpunt of één product."))
    if product is not None:
        if not product.communities.filter(pk=community.pk).exists():
            raise ValidationError(_("Dit product is niet van deze gemeenschap."))
        if not product.shareable:
            raise ValidationError(
                _(
                    "Maak het product eerst zichtbaar voor het hele programma; pas daarna kan het openbaar."
                )
            )
    else:
        if lesson.community_id != community.pk:
            raise ValidationError(_("Dit leerpunt is niet van deze gemeenschap."))
        if not lesson.shareable:
            raise ValidationError(
                _("Dit leerpunt mag nog niet buiten de gemeenschap; pas daarna kan het openbaar.")
            )
    active = Publication.objects.filter(status__in=Publication.ACTIVE)
    taken = active.filter(product=product) if product is not None else active.filter(lesson=lesson)
    if taken.exists():
        raise ValidationError(_("Dit staat al in de kennisbank of wacht op goedkeuring."))


@transaction.atomic
def publication_propose(
    *,
    community: Community,
    by: Any,
    title: str,
    body: str,
    product: Product | None = None,
    lesson: Lesson | None = None,
    files: Iterable[ProductFile] = (),
    guard_confirmed: bool = False,
) -> Publication:
    """The community asks for a public version of one of its shared lessons or products. The
    text is the public version the proposer wrote (it starts as the source's text); the
    personal-data guard checks it before anything is stored."""
    _source_checks(community=community, product=product, lesson=lesson)
    title, body = clean_text(title).strip(), clean_text(body).strip()
    errors = {}
    if not title:
        errors["title"] = _("Geef de openbare versie een titel.")
    if not body:
        errors["body"] = _("Schrijf de tekst die bezoekers te zien krijgen.")
    if errors:
        raise ValidationError(errors)
    guard.check({"title": title, "body": body}, confirmed=guard_confirmed)
    files = list(files)
    if product is not None and any(f.product_id != product.pk for f in files):
        raise ValidationError({"files": _("Kies alleen bestanden van dit product.")})
    if product is not None:
        dated_on = timezone.localdate(product.created_at)
    else:
        dated_on = timezone.localdate(lesson.meeting.starts_at)
    publication = Publication(
        programme_id=community.programme_id,
        community=community,
        kind=Publication.Kind.PRODUCT if product is not None else Publication.Kind.LESSON,
        product=product,
        lesson=lesson,
        title=title,
        body=body,
        product_kind=product.kind if product is not None else "",
        topic_category=product.topic_category if product is not None else "",
        region=community.region if community.scope == Community.Scope.REGIONAL else "",
        dated_on=dated_on,
        proposed_by=by if getattr(by, "is_authenticated", False) else None,
        proposed_at=timezone.now(),
    )
    publication.full_clean()
    publication.save()
    PublicationFile.objects.bulk_create(
        PublicationFile(publication=publication, product_file=f) for f in files
    )
    audit(
        actor=by,
        verb="publication.proposed",
        obj=publication,
        community_id=community.pk,
        kind=publication.kind,
        source_id=(product or lesson).pk,
        files=len(files),
    )
    emails_queue(_review_emails(publication), kind="publishing.review", scope=publication)
    return publication


def _review_emails(publication: Publication) -> list:
    """The programme's coordinators hear that a proposal waits for them."""
    to = selectors.coordinator_addresses(programme_id=publication.programme_id)
    if not to:
        return []
    url = _absolute(reverse("publishing:publication", args=[publication.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        return [
            emails.email_build(
                template="publishing/email/review",
                context={"publication": publication, "url": url},
                subject=_("Voorstel voor de openbare kennisbank: %(title)s")
                % {"title": publication.title},
                to=[address],
            )
            for address in to
        ]


def _lock(publication: Publication) -> Publication:
    return (
        Publication.objects.select_for_update()
        .select_related("programme", "community")
        .get(pk=publication.pk)
    )


def _source_still_shared(publication: Publication) -> bool:
    if publication.product_id:
        return Product.objects.filter(pk=publication.product_id, shareable=True).exists()
    return Lesson.objects.filter(pk=publication.lesson_id, shareable=True).exists()


@transaction.atomic
def publication_approve(
    *, publication: Publication, by: Any, guard_confirmed: bool = False
) -> Publication:
    """Four eyes: a coordinator other than the proposer reads the text, the guard checks it
    once more, and it goes public."""
    locked = _lock(publication)
    if locked.status != Publication.Status.PROPOSED:
        raise ValidationError(_("Over dit voorstel is al besloten."))
    if locked.proposed_by_id is not None and locked.proposed_by_id == getattr(by, "pk", None):
        raise ValidationError(
            _("Je kunt je eigen voorstel niet goedkeuren; een andere coördinator doet dat.")
        )
    if not _source_still_shared(locked):
        raise ValidationError(
            _("De gemeenschap deelt dit niet meer in het programma; het kan niet openbaar.")
        )
    findings = guard.check({"title": locked.title, "body": locked.body}, confirmed=guard_confirmed)
    now = timezone.now()
    locked.status = Publication.Status.PUBLISHED
    locked.decided_by = by
    locked.decided_at = now
    locked.published_at = now
    locked.save(update_fields=["status", "decided_by", "decided_at", "published_at"])
    audit(
        actor=by,
        verb="publication.approved",
        obj=locked,
        community_id=locked.community_id,
        guard_findings=sorted({f.kind for f in findings}),
    )
    emails_queue(_decision_emails(locked), kind="publishing.decision", scope=locked)
    return locked


@transaction.atomic
def publication_decline(*, publication: Publication, by: Any, reason: str) -> Publication:
    locked = _lock(publication)
    if locked.status != Publication.Status.PROPOSED:
        raise ValidationError(_("Over dit voorstel is al besloten."))
    reason = clean_text(reason).strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Schrijf waarom, zodat de gemeenschap het kan aanpassen.")}
        )
    locked.status = Publication.Status.DECLINED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decline_reason = reason
    locked.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit(actor=by, verb="publication.declined", obj=locked, community_id=locked.community_id)
    emails_queue(_decision_emails(locked), kind="publishing.decision", scope=locked)
    return locked


def _decision_emails(publication: Publication) -> list:
    """The proposer hears the decision (the text of a decline goes to them only)."""
    proposer = publication.proposed_by
    if proposer is None or not proposer.email:
        return []
    url = _absolute(reverse("publishing:publication", args=[publication.pk]))
    public_url = ""
    if publication.status == Publication.Status.PUBLISHED:
        public_url = _absolute(
            reverse(
                "publishing:public_item",
                args=[publication.programme.slug, publication.public_id],
            )
        )
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("Openbaar in de kennisbank: %(title)s")
            if publication.status == Publication.Status.PUBLISHED
            else _("Niet in de kennisbank: %(title)s")
        ) % {"title": publication.title}
        return [
            emails.email_build(
                template="publishing/email/decision",
                context={"publication": publication, "url": url, "public_url": public_url},
                subject=subject,
                to=[proposer.email],
            )
        ]


@transaction.atomic
def publication_withdraw(*, publication: Publication, by: Any) -> Publication:
    """Off the public pages and out of the feed at once; the row stays for the history."""
    locked = _lock(publication)
    if locked.status not in Publication.ACTIVE:
        raise ValidationError(_("Dit staat niet (meer) in de kennisbank."))
    previous = locked.status
    locked.status = Publication.Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["status", "withdrawn_at"])
    audit(
        actor=by,
        verb="publication.withdrawn",
        obj=locked,
        community_id=locked.community_id,
        was=previous,
    )
    return locked


@transaction.atomic
def publication_credit_set(
    *, publication: Publication, person: Person, named: bool, by: Any
) -> bool:
    """The person adds or removes their own name. Returns whether they are named now."""
    if publication.status not in Publication.ACTIVE:
        raise ValidationError(_("Dit staat niet (meer) in de kennisbank."))
    if named:
        PublicationCredit.objects.get_or_create(publication=publication, person=person)
    else:
        PublicationCredit.objects.filter(publication=publication, person=person).delete()
    audit(
        actor=by,
        verb="publication.credit",
        obj=publication,
        community_id=publication.community_id,
        named=named,
    )
    return named
