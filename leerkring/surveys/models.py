"""Questionnaires sent in waves (the thermometer survey of the report's Bijlage 5).

Anonymous by construction (DESIGN.md §2, docs/privacy.md): an `Invitation` knows who was
asked and only *whether* they answered; a `Response` knows its wave, its community and its
answers — nothing that leads back to an invitation or a person, and no time finer than the
wave. A questionnaire is versioned data: once a wave has responses, its questions are frozen
and changes go into a new version (KoboToolbox's lesson), so waves stay comparable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Person, Programme


class Questionnaire(models.Model):
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaires",
        help_text=_("Leeg voor een ingebouwd sjabloon."),
    )
    title = models.CharField(_("titel"), max_length=200)
    intro = models.TextField(_("inleiding"), blank=True)
    is_template = models.BooleanField(_("sjabloon"), default=False)
    template_key = models.SlugField(max_length=40, blank=True)
    version = models.PositiveSmallIntegerField(_("versie"), default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("vorige versie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vragenlijst")
        verbose_name_plural = _("vragenlijsten")
        ordering = ["title", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("titel"), max_length=200)
    intro = models.TextField(_("inleiding"), blank=True)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Eén antwoord")
        MULTIPLE = "multiple", _("Meerdere antwoorden")
        # "Pick at most N of the answers you gave to question X" (Bijlage 5, question 5).
        PICK_FROM = "pick_from", _("Kies uit de antwoorden op een eerdere vraag")
        OPEN = "open", _("Open vraag")
        MATRIX = "matrix", _("Stellingen (vijfpuntsschaal)")
        # "Which CoP are you in?" — options are the programme's communities.
        COMMUNITY = "community", _("Welke gemeenschap")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("code"), max_length=20, help_text=_("Bijvoorbeeld V4."))
    text = models.TextField(_("vraag"))
    help_text = models.CharField(_("toelichting"), max_length=300, blank=True)
    kind = models.CharField(_("soort vraag"), max_length=12, choices=Kind.choices)
    required = models.BooleanField(_("verplicht"), default=False)
    allow_other = models.BooleanField(_("met 'anders, namelijk…'"), default=False)
    max_picks = models.PositiveSmallIntegerField(_("maximaal aantal keuzes"), null=True, blank=True)
    source_question = models.ForeignKey(
        "self",
        verbose_name=_("kies uit de antwoorden op"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="piped_into",
    )

    class Meta:
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:60]}"


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(max_length=20)
    label = models.CharField(_("antwoord"), max_length=300)
    is_other = models.BooleanField(_("anders, namelijk"), default=False)

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Statement(models.Model):
    """One row of a matrix question, answered on the five-point agreement scale."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="statements")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(max_length=20)
    text = models.CharField(_("stelling"), max_length=300)

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="statement_code_unique")
        ]

    def __str__(self) -> str:
        return self.text


class AgreementScale(models.IntegerChoices):
    STRONGLY_AGREE = 1, _("Helemaal eens")
    AGREE = 2, _("Eens")
    NEUTRAL = 3, _("Niet eens, niet oneens")
    DISAGREE = 4, _("Oneens")
    STRONGLY_DISAGREE = 5, _("Helemaal oneens")


class Wave(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="waves")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="waves")
    title = models.CharField(
        _("titel"), max_length=200, help_text=_("Bijvoorbeeld: Meting mei 2023.")
    )
    opens_on = models.DateField(_("open vanaf"))
    closes_on = models.DateField(_("open tot en met"))
    communities = models.ManyToManyField(
        Community, verbose_name=_("gemeenschappen"), blank=True, related_name="waves"
    )
    open_link_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reminder_every_days = models.PositiveSmallIntegerField(
        _("herinnering elke … dagen"), null=True, blank=True
    )
    # Raised in the transaction that releases a batch of answers (surveys/ballots.py): the
    # results change only then, so the stored results (`StoredResults`) of this version are
    # the results, and finding them costs no count over the responses.
    results_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meetronde")
        verbose_name_plural = _("meetrondes")
        ordering = ["-opens_on"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.opens_on <= timezone.localdate() <= self.closes_on


class Invitation(models.Model):
    """Who was asked to answer. Knows only *whether* they answered, never what or when."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField()
    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # The e-mailed token is exchanged at the first visit for a key kept in the respondent's
    # browser (views/respond.py); this is the hash of that key, so the form can be sent from
    # an address without a token. A reminder's new token leaves a form in progress working.
    form_key_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Set when the response is released into the results (surveys/ballots.py), not when it
    # is sent: response rates move only by whole batches.
    answered = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "email"], name="one_invitation_per_address")
        ]
        indexes = [models.Index(fields=["wave", "community", "answered"])]

    def __str__(self) -> str:
        return self.email


class PendingResponse(models.Model):
    """A sent questionnaire waiting for its batch (surveys/ballots.py).

    Everything that could tie it to a person is sealed (encrypted under a key derived from
    SECRET_KEY, padded to one size): the answers, the community and the invitation to mark
    answered on release. `ballot` is an HMAC of the invitation, so the same invitation cannot
    send twice while its answers wait, and a copy of the database cannot tell whose it is.
    The primary key is random rather than a sequence, and there is no timestamp."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    ballot = models.CharField(max_length=64, unique=True, null=True, blank=True)
    sealed = models.TextField()
    # Chosen for the batch being released; a release interrupted after marking the
    # invitations finishes these first.
    releasing = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.pk}"


class Response(models.Model):
    """One submitted questionnaire. Deliberately no link to an invitation or person, and no
    timestamp: `wave` is the finest time there is."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["wave", "community"])]

    def __str__(self) -> str:
        return f"{self.wave} #{self.pk}"


class Answer(models.Model):
    """One answer row: a chosen option, a scale value for a statement, or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scale_value = models.PositiveSmallIntegerField(
        choices=AgreementScale.choices, null=True, blank=True
    )
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self) -> str:
        return f"{self.question.code}"


class StoredResults(models.Model):
    """The computed results of a wave (surveys/results.py, kept by surveys/stored_results.py), for all its responses or for one
    community, as of one `Wave.results_version` and one threshold.

    Computed once after each release (the task worker, or the first page that finds them
    missing) and read by the results page, the API and the reports. Only the newest version
    is kept: like the responses themselves, these rows change only by whole batches
    (docs/privacy.md, "Enquêtes"), and they hold no time."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField()
    threshold = models.PositiveSmallIntegerField()
    # Every figure, every community (`results.wave_results`): for the API, the paged lists of
    # communities, the comparison, the reports and the monitor.
    results = models.JSONField()
    # What the results page shows (`results.page_cut`): the programme-wide figures and the
    # first communities of each per-community list with how many there are, so the page reads
    # the same few kilobytes at any number of communities. Null in rows stored before it
    # existed; the first reader cuts it from `results`.
    page = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave"],
                condition=models.Q(community__isnull=True),
                name="stored_results_one_per_wave",
            ),
            models.UniqueConstraint(
                fields=["wave", "community"],
                condition=models.Q(community__isnull=False),
                name="stored_results_one_per_wave_community",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.community_id or 'all'} v{self.version}"


class StoredCommunity(models.Model):
    """A community's group in the responses per community of a wave's stored results (its
    count, and whether suppression hides it), written with the all-community `StoredResults`
    of the same version and threshold and dropped with them.

    One indexed row per community, so checking the community filter of a national wave
    (`stored_results.filter_groups`) reads one row instead of the list of every community. `community_pk` is a plain number, not a foreign
    key: these rows go when their stored results go (a renamed or deleted community drops its
    programme's stored results), and deleting a community need not look for them."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    threshold = models.PositiveSmallIntegerField()
    community_pk = models.IntegerField()
    name = models.CharField(max_length=200)
    count = models.PositiveIntegerField()
    hidden = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "community_pk"], name="stored_community_one_per_wave"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.community_pk} v{self.version}"
