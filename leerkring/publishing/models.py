"""The public knowledge base of a programme (report §3.2.4 and §4.4.1: knowledge sessions, the
website and a newsletter carried results beyond the CoP's; stakeholders said they saw little of
concrete outcomes).

A lesson or product is its community's; marked shareable it travels through the programme
(DESIGN.md §2). A `Publication` is a third level: the community proposes it for the public, the
programme's coordinator approves it (four eyes), and only then can anyone without an account
find it. What the public sees is the text *as approved*, copied at proposal time, so a later
edit of the product does not go public unseen.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Person, Programme
from leerkring.dissemination.models import Product, ProductFile
from leerkring.meetings.models import Lesson
from leerkring.meetings.topics import TopicCategory


def new_public_id() -> str:
    """An opaque key for public addresses: no row id, so the address tells nobody how many
    proposals there were or which were declined."""
    return secrets.token_urlsafe(9)


def title_from_text(text: str, limit: int = 120) -> str:
    """A title for a lesson, which has only a text: its first sentence, cut at a word when it
    is long."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    for mark in (". ", "; ", "? ", "! "):
        if mark in first:
            first = first.split(mark, 1)[0]
    first = first.rstrip(".;:!? ")
    if len(first) <= limit:
        return first
    return first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;: ") + "…"


class Publication(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", _("Leerpunt")
        PRODUCT = "product", _("Product")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Wacht op goedkeuring")
        PUBLISHED = "published", _("Openbaar")
        DECLINED = "declined", _("Niet goedgekeurd")
        WITHDRAWN = "withdrawn", _("Teruggetrokken")

    ACTIVE = (Status.PROPOSED, Status.PUBLISHED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="publications")
    # The community that chose to make it public; its lead and facilitator may withdraw it.
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="publications")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="publications"
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, null=True, blank=True, related_name="publications"
    )
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst"))
    # Copied from the source for filtering, so the public list needs no join per filter.
    product_kind = models.CharField(
        _("soort product"), max_length=20, choices=Product.Kind.choices, blank=True
    )
    topic_category = models.CharField(
        _("onderwerp"), max_length=20, choices=TopicCategory.choices, blank=True
    )
    region = models.CharField(_("regio"), max_length=80, blank=True)
    dated_on = models.DateField(_("datum"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reden"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Whether the community still shares the source (lesson or product) in the programme: a
    # publication is public only while it is published and this is true. Kept by
    # `publishing.sources` whenever the source is shared or unshared, so the public pages
    # filter on the publication alone instead of joining every lesson and product.
    source_shared = models.BooleanField(default=False, editable=False)
    # The people who chose to be named as its authors (`PublicationCredit`), their ids in the
    # order they did: kept by `publishing.credited` on every change of its credits, so the public
    # list and the feed read their names by primary key instead of reading the credits table.
    credited_people = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = _("publicatie")
        verbose_name_plural = _("publicaties")
        ordering = ["-published_at", "-proposed_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="lesson", lesson__isnull=False, product__isnull=True)
                    | Q(kind="product", product__isnull=False, lesson__isnull=True)
                ),
                name="publication_one_source",
            ),
            # One proposal or publication at a time per source.
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status__in=["proposed", "published"]),
                name="publication_one_active_per_product",
            ),
            models.UniqueConstraint(
                fields=["lesson"],
                condition=Q(status__in=["proposed", "published"]),
                name="publication_one_active_per_lesson",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status", "published_at"]),
            # The public list of a programme, newest first (`selectors.public_q`).
            models.Index(
                fields=["programme", "-published_at", "-id"],
                name="publication_public",
                condition=Q(status="published", source_shared=True),
            ),
            # Its filter options (regions, years) and its count, read from the index alone.
            models.Index(
                fields=["programme", "region", "dated_on"],
                name="publication_public_options",
                condition=Q(status="published", source_shared=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # A new publication takes the flag from its source as stored (not from an instance the
        # caller may hold since before an unshare); later changes of the source set it through
        # `publishing.sources`.
        if self._state.adding:
            if self.product_id:
                source = Product.objects.filter(pk=self.product_id)
            else:
                source = Lesson.objects.filter(pk=self.lesson_id)
            self.source_shared = source.filter(shareable=True).exists()
        super().save(*args, **kwargs)

    @property
    def kind_label(self) -> str:
        """What a visitor filters on: the kind of product, or "Leerpunt"."""
        if self.kind == self.Kind.PRODUCT and self.product_kind:
            return Product.Kind(self.product_kind).label
        return self.Kind(self.kind).label


class PublicCount(models.Model):
    """How many public items a programme has per kind, topic, region and year, kept by
    `publishing.counts` whenever a publication changes, so the public page neither counts nor
    groups every public row of the programme on each visit (issue 17).

    Two levels in one table: rows with a `kind` hold one combination of the filters each (what
    a filtered list counts); rows with an empty `kind` add those up per region and year (the
    page's filter options and its count without filters: at most regions × years rows,
    whatever the number of publications)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, blank=True)
    product_kind = models.CharField(max_length=20, blank=True)
    topic_category = models.CharField(max_length=20, blank=True)
    region = models.CharField(max_length=80, blank=True)
    year = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "product_kind", "topic_category", "region", "year"],
                name="public_count_once",
            )
        ]
        # A filter on the topic (and the kind) reads the rows of that topic (and kind) only.
        indexes = [
            models.Index(
                fields=["programme", "topic_category", "kind", "product_kind"],
                name="public_count_topic",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.kind or '*'} {self.region} {self.year}: {self.count}"


class PublicationFile(models.Model):
    """A file of the product that the coordinator approved along with it. Files added to the
    product later are not public until proposed again."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="files")
    product_file = models.ForeignKey(ProductFile, on_delete=models.CASCADE, related_name="+")
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "product_file"], name="publication_file_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.product_file)


class PublicationCredit(models.Model):
    """A member who chose to be named as an author. Only the person themself adds or removes
    their name; without one, nothing public says who wrote the text."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "person"], name="credit_once")
        ]

    def __str__(self) -> str:
        return str(self.person)
