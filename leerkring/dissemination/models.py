"""What a community's learning becomes when it travels (report §3.2.5, §4.3.1, §5.1.3):
products with their dissemination log, and newsletters sent to subscribers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Organisation, Person, Programme
from leerkring.meetings.topics import TopicCategory


class Product(models.Model):
    class Kind(models.TextChoices):
        INFOGRAPHIC = "infographic", _("Infographic")
        FACTSHEET = "factsheet", _("Factsheet")
        GUIDE = "guide", _("Handreiking")
        ROUTE_MAP = "route_map", _("Routekaart")
        DECISION_TREE = "decision_tree", _("Beslisboom")
        WEBINAR = "webinar", _("Webinar")
        PROCESS_DRAWING = "process_drawing", _("Procestekening")
        ADVICE = "advice", _("Advies")
        FLYER = "flyer", _("Flyer")
        RETROSPECTIVE = "retrospective", _("Terugblik")
        OTHER = "other", _("Anders")

    class Status(models.TextChoices):
        IDEA = "idea", _("Idee")
        IN_DEVELOPMENT = "in_development", _("In ontwikkeling")
        READY = "ready", _("Klaar")
        DISSEMINATED = "disseminated", _("Verspreid")

    class Scope(models.TextChoices):
        REGIONAL = "regional", _("Regionaal")
        NATIONAL = "national", _("Landelijk")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="products")
    title = models.CharField(_("titel"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("samenvatting"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDEA, db_index=True
    )
    scope = models.CharField(
        _("reikwijdte"), max_length=10, choices=Scope.choices, default=Scope.REGIONAL
    )
    topic_category = models.CharField(
        _("onderwerpcategorie"), max_length=20, choices=TopicCategory.choices, blank=True
    )
    communities = models.ManyToManyField(
        Community, verbose_name=_("gemeenschappen"), related_name="products", blank=True
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisaties"), related_name="products", blank=True
    )
    # Only what a community marks shareable leaves the room (DESIGN.md §2).
    shareable = models.BooleanField(_("zichtbaar voor het hele programma"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("producten")
        ordering = ["-updated_at"]
        indexes = [
            # The catalogue's order within a programme: it reads its page, not the programme.
            models.Index(
                fields=["programme", "-updated_at", "-id"], name="product_programme_newest"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProductFile(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="products/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class ProductLink(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("adres"))
    title = models.CharField(_("omschrijving"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.title or self.url


class Dissemination(models.Model):
    """Where and when a product was shared, and by whom."""

    class Channel(models.TextChoices):
        NEWSLETTER = "newsletter", _("Nieuwsbrief")
        WEBSITE = "website", _("Website")
        COORDINATION_MEETING = "coordination_meeting", _("Landelijk coördinatieoverleg")
        REGIONAL_MEETING = "regional_meeting", _("Regionaal overleg")
        TEAM_MEETING = "team_meeting", _("Teamoverleg van een organisatie")
        OTHER = "other", _("Anders")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="disseminations")
    channel = models.CharField(_("waar"), max_length=25, choices=Channel.choices)
    shared_on = models.DateField(_("wanneer"), default=timezone.localdate)
    description = models.CharField(_("toelichting"), max_length=300, blank=True)
    beyond_community = models.BooleanField(
        _("gebruikt buiten de gemeenschap"),
        default=True,
        help_text=_("Telt mee als impact in de rapportage."),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shared_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.product} – {self.get_channel_display()}"


class Newsletter(models.Model):
    """A newsletter of a programme, or of one community (as CoP Fryslân did after each meeting)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="newsletters")
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="newsletters"
    )
    title = models.CharField(_("naam"), max_length=200)
    is_public = models.BooleanField(
        _("openbaar archief"),
        default=False,
        help_text=_("Anders alleen zichtbaar voor leden van het programma."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nieuwsbrief")
        verbose_name_plural = _("nieuwsbrieven")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class NewsletterIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        SENDING = "sending", _("Wordt verstuurd")
        SENT = "sent", _("Verstuurd")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveIntegerField(_("nummer"))
    title = models.CharField(_("titel"), max_length=200)
    intro = models.TextField(_("inleiding"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "number"], name="issue_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} #{self.number}"


class IssueItem(models.Model):
    """One piece of an issue, copied from its source (lesson, product, story, answered signal)
    when picked, so later edits in the source do not change what was sent."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Leerpunt")
        PRODUCT = "product", _("Product")
        STORY = "story", _("Verhaal")
        SIGNAL = "signal", _("Beantwoord signaal")
        TEXT = "text", _("Eigen tekst")

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst"), blank=True)

    class Meta:
        ordering = ["issue", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Subscriber(models.Model):
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField()
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Double opt-in: a public sign-up counts only after the confirmation link is followed.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The links in e-mails carry random tokens (dissemination/newsletter.py, "Tokens"): the
    # database keeps their SHA-256 to find the subscriber, and the unsubscribe token sealed
    # (core.sealing) so every issue can carry the same link; a copy of the database alone
    # opens neither.
    unsubscribe_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    unsubscribe_token_sealed = models.TextField(blank=True)
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirm_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "email"], name="one_subscription_per_address"
            )
        ]

    def __str__(self) -> str:
        return self.email


class Delivery(models.Model):
    """One e-mail of one issue to one subscriber; the send task never sends a row twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht")
        SENT = "sent", _("Verstuurd")
        FAILED = "failed", _("Mislukt")
        BOUNCED = "bounced", _("Onbestelbaar")

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_issue")
        ]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscriber}"


class CommunityLinks(models.Model):
    """The communities closest to one community on the agendas of the last half year (the
    knowledge view's "working on the same topics"), as the task worker last worked them out
    for the whole programme (`dissemination.links`). Finding them reads every agenda item of
    the programme; the community page reads this row instead (issue 17)."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    # Closest first: [{"pk", "name", "subtopics"}], at most KNOWLEDGE_RELATED_PER_COMMUNITY.
    related = models.JSONField(default=list)
    more = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.community_id}: {len(self.related)} + {self.more}"


class CommunityLinksRun(models.Model):
    """When the links of a programme were last worked out, and which worker is at it now (a
    claim that runs out, so a killed worker does not hold it)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.computed_at}"


class ProgrammeProductCount(models.Model):
    """How many shareable products a programme has: what the catalogue's count starts from,
    kept by `dissemination.product_counts` whenever a product is saved or deleted, so the page
    does not count every product of the programme on each request (issue 17)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    shared = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.shared}"
