"""The core of the network: programmes and their rules, organisations, people, communities and
memberships (DESIGN.md §3). Every other app points here; nothing here points back."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rule_checks import rule_profile_problems


class Programme(models.Model):
    """A family of communities under one coordination point, e.g. "CoP's Inburgering"."""

    name = models.CharField(_("naam"), max_length=120, unique=True)
    slug = models.SlugField(_("korte naam"), max_length=60, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)
    coordinating_organisation = models.CharField(
        _("coördinerende organisatie"), max_length=120, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Its communities counted per region and status, [[region, status, n], ...], kept by
    # `communities.programme_counts` whenever a community is saved or deleted. Empty: count.
    kept_community_counts = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Type(models.TextChoices):
        MUNICIPALITY = "municipality", _("Gemeente")
        COA = "coa", _("COA")
        LANGUAGE_PROVIDER = "language_provider", _("Taalaanbieder")
        SOCIAL_SUPPORT = "social_support", _("Maatschappelijke begeleiding")
        VOLUNTEER = "volunteer", _("Vrijwilligersorganisatie")
        EDUCATION = "education", _("Onderwijs")
        EMPLOYER = "employer", _("Werkgever")
        GOVERNMENT = "government", _("Andere overheidsorganisatie")
        KNOWLEDGE_INSTITUTE = "knowledge_institute", _("Kennisinstituut")
        CLIENT_REPRESENTATION = "client_representation", _("Cliënt- of burgervertegenwoordiging")
        OTHER = "other", _("Anders")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    type = models.CharField(_("soort"), max_length=30, choices=Type.choices, db_index=True)
    region = models.CharField(_("regio"), max_length=80, blank=True, db_index=True)
    city = models.CharField(_("plaats"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone in the network. May have no account (guests) until invited."""

    full_name = models.CharField(_("naam"), max_length=150)
    email = models.EmailField(_("e-mailadres"), unique=True, null=True, blank=True)
    job_title = models.CharField(_("functie"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.email:
            self.email = self.email.strip().lower()


class RuleProfile(models.Model):
    """The conditions (spelregels) a programme's communities are held to.

    The presets in `presets.py` carry the values of the three seed documents and the Gewogen
    Maatwerk article; a coordinator adapts them to their own programme.
    """

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="rule_profile"
    )
    preset = models.CharField(_("uitgangspunt"), max_length=30, blank=True)
    members_min = models.PositiveSmallIntegerField(
        _("minimum aantal deelnemers"), null=True, blank=True
    )
    members_target = models.PositiveSmallIntegerField(
        _("streefaantal deelnemers"), null=True, blank=True
    )
    members_max = models.PositiveSmallIntegerField(
        _("maximum aantal deelnemers"), null=True, blank=True
    )
    organisations_min = models.PositiveSmallIntegerField(
        _("minimum aantal organisaties"), null=True, blank=True
    )
    required_organisation_types = models.JSONField(
        _("gewenste soorten organisaties"),
        default=list,
        blank=True,
        help_text=_("Soorten organisaties die in elke gemeenschap vertegenwoordigd moeten zijn."),
    )
    mix_municipality_and_executing = models.BooleanField(
        _("gemeenten én uitvoerende organisaties"),
        default=False,
        help_text=_("Er zitten zowel gemeenten als uitvoerende organisaties aan tafel."),
    )
    meetings_per_year_min = models.PositiveSmallIntegerField(
        _("minimum bijeenkomsten per jaar"), null=True, blank=True
    )
    meetings_per_year_max = models.PositiveSmallIntegerField(
        _("maximum bijeenkomsten per jaar"), null=True, blank=True
    )
    meeting_interval_weeks = models.PositiveSmallIntegerField(
        _("weken tussen bijeenkomsten"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    meeting_hours_min = models.DecimalField(
        _("minimale duur (uur)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    meeting_hours_max = models.DecimalField(
        _("maximale duur (uur)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    physical_meetings = models.BooleanField(_("fysiek bijeenkomen"), default=False)
    sessions_min = models.PositiveSmallIntegerField(
        _("minimum aantal sessies"), null=True, blank=True
    )
    duration_months_min = models.PositiveSmallIntegerField(
        _("minimale looptijd (maanden)"), null=True, blank=True
    )
    facilitators_required = models.PositiveSmallIntegerField(
        _("aantal procesbegeleiders"), default=1
    )
    lead_facilitator_separate = models.BooleanField(
        _("communitytrekker en procesbegeleider zijn verschillende personen"), default=True
    )
    facilitators_different_perspectives = models.BooleanField(
        _("procesbegeleiders vanuit verschillende perspectieven"), default=False
    )
    case_rotation = models.BooleanField(
        _("casus per bijeenkomst, deelnemers om de beurt"), default=False
    )
    shared_framework = models.BooleanField(_("gedeeld theoretisch kader"), default=False)
    signal_feedback_days = models.PositiveSmallIntegerField(
        _("termijn voor terugkoppeling op signalen (dagen)"),
        default=42,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_(
            "Een signaal zonder antwoord aan de gemeenschap na deze termijn valt op in het venster."
        ),
    )
    survey_min_group_size = models.PositiveSmallIntegerField(
        _("kleinste groep waarvan enquêteresultaten getoond worden"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text=_(
            "Resultaten van kleinere groepen blijven verborgen, zodat niemand herkenbaar is."
        ),
    )
    # --- CoP monitor thresholds (evaluation.monitor) --------------------------------------
    # Where a check turns from "Voldoet" to "Let op" and from "Let op" to "Voldoet niet".
    # Defaults follow report §5.1–5.2; an empty field means the programme sets no norm there.
    monitor_members_margin = models.PositiveSmallIntegerField(
        _("ruimte rond het aantal deelnemers"),
        null=True,
        blank=True,
        default=2,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "Zoveel deelnemers onder het minimum of boven het maximum is ‘Let op’; verder "
            "eronder of erboven ‘Voldoet niet’. Rapport §5.1.1: een kleine groep wordt snel te "
            "klein, in een grote groep haken mensen af."
        ),
    )
    monitor_organisations_margin = models.PositiveSmallIntegerField(
        _("ruimte rond het aantal organisaties"),
        null=True,
        blank=True,
        default=1,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "Zoveel organisaties onder het minimum is ‘Let op’; nog minder ‘Voldoet niet’."
        ),
    )
    monitor_meetings_margin = models.PositiveSmallIntegerField(
        _("ruimte rond het aantal bijeenkomsten per jaar"),
        null=True,
        blank=True,
        default=1,
        validators=[MaxValueValidator(12)],
        help_text=_(
            "Zoveel bijeenkomsten minder dan het minimum of meer dan het maximum per jaar is "
            "‘Let op’. Rapport §5.1.1: een vast ritme houdt de groep bij elkaar."
        ),
    )
    monitor_physical_green = models.PositiveSmallIntegerField(
        _("fysieke bijeenkomsten: voldoet vanaf (%)"),
        null=True,
        blank=True,
        default=75,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Geldt als de spelregels om fysiek bijeenkomen vragen. Rapport §5.1.2: online "
            "bijeenkomsten werkten niet goed voor de groep."
        ),
    )
    monitor_physical_red = models.PositiveSmallIntegerField(
        _("fysieke bijeenkomsten: voldoet niet onder (%)"),
        null=True,
        blank=True,
        default=50,
        validators=[MaxValueValidator(100)],
    )
    monitor_attendance_green = models.PositiveSmallIntegerField(
        _("opkomst: voldoet vanaf (%)"),
        null=True,
        blank=True,
        default=70,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Gemiddelde opkomst bij de laatste zes gehouden bijeenkomsten. Rapport §5.1.1: "
            "bij veel afwezigheid neemt de groepsband af."
        ),
    )
    monitor_attendance_red = models.PositiveSmallIntegerField(
        _("opkomst: voldoet niet onder (%)"),
        null=True,
        blank=True,
        default=50,
        validators=[MaxValueValidator(100)],
    )
    monitor_turnover_orange = models.PositiveSmallIntegerField(
        _("verloop: let op boven (%)"),
        null=True,
        blank=True,
        default=25,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Vertrokken en overgedragen plekken in de afgelopen twaalf maanden, als deel van "
            "het aantal leden. Rapport §5.1.1: bij veel wisselingen begint de kennismaking "
            "steeds opnieuw."
        ),
    )
    monitor_turnover_red = models.PositiveSmallIntegerField(
        _("verloop: voldoet niet boven (%)"),
        null=True,
        blank=True,
        default=50,
        validators=[MaxValueValidator(100)],
    )
    monitor_perspective_meetings = models.PositiveSmallIntegerField(
        _("perspectief van de inburgeraar: in de laatste … bijeenkomsten"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "Minstens één agendapunt met het perspectief van de inburgeraar in zoveel van de "
            "laatste gehouden bijeenkomsten. Rapport §5.1.2. Leeg: geen eis."
        ),
    )
    monitor_lessons_green = models.DecimalField(
        _("leerpunten per bijeenkomst: voldoet vanaf"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        default=Decimal("1.0"),
        validators=[MaxValueValidator(Decimal("20"))],
        help_text=_(
            "Gemiddeld aantal leerpunten per gehouden bijeenkomst in de afgelopen twaalf "
            "maanden. Rapport §5.1.3: lessen expliciet benoemen is de belangrijkste voorwaarde "
            "voor doorwerking."
        ),
    )
    monitor_lessons_red = models.DecimalField(
        _("leerpunten per bijeenkomst: voldoet niet onder"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        default=Decimal("0.5"),
        validators=[MaxValueValidator(Decimal("20"))],
    )
    monitor_agreements_green = models.PositiveSmallIntegerField(
        _("afspraken opgevolgd: voldoet vanaf (%)"),
        null=True,
        blank=True,
        default=75,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Deel van de afspraken waarvan de datum voorbij is dat gedaan of vervallen is. "
            "Rapport §5.1.2: afspraken van de vorige keer terugpakken werkt."
        ),
    )
    monitor_agreements_red = models.PositiveSmallIntegerField(
        _("afspraken opgevolgd: voldoet niet onder (%)"),
        null=True,
        blank=True,
        default=50,
        validators=[MaxValueValidator(100)],
    )
    monitor_signals_green = models.PositiveSmallIntegerField(
        _("signalen op tijd beantwoord: voldoet vanaf (%)"),
        null=True,
        blank=True,
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Deel van de doorgegeven signalen dat binnen de termijn voor terugkoppeling een "
            "antwoord kreeg. Rapport §5.1.3: signalen zonder terugkoppeling demotiveren."
        ),
    )
    monitor_signals_red = models.PositiveSmallIntegerField(
        _("signalen op tijd beantwoord: voldoet niet onder (%)"),
        null=True,
        blank=True,
        default=50,
        validators=[MaxValueValidator(100)],
    )
    monitor_satisfaction_question = models.CharField(
        _("enquêtevraag over tevredenheid (code)"),
        max_length=20,
        blank=True,
        help_text=_(
            "Code van een vraag uit de vragenlijst van dit programma, bijvoorbeeld V13: een "
            "vraag met één antwoord op een schaal van ‘zeer tevreden’ tot ‘zeer ontevreden’ "
            "(de eerste twee antwoorden tellen als tevreden) of een stellingenvraag op de "
            "vijfpuntsschaal (‘eens’ en ‘helemaal eens’ tellen). De monitor en het rapport "
            "kijken naar de laatste meetronde met genoeg antwoorden. Leeg: deze toets blijft "
            "onbekend."
        ),
    )
    monitor_satisfaction_green = models.PositiveSmallIntegerField(
        _("tevredenheid: voldoet vanaf (%)"),
        null=True,
        blank=True,
        default=70,
        validators=[MaxValueValidator(100)],
    )
    monitor_satisfaction_red = models.PositiveSmallIntegerField(
        _("tevredenheid: voldoet niet onder (%)"),
        null=True,
        blank=True,
        default=50,
        validators=[MaxValueValidator(100)],
    )
    notes = models.TextField(_("toelichting"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("spelregels")
        verbose_name_plural = _("spelregels")

    def __str__(self) -> str:
        return f"{_('Spelregels')} {self.programme}"

    def clean(self) -> None:
        errors = {}
        if self.members_min and self.members_max and self.members_min > self.members_max:
            errors["members_max"] = _("Het maximum moet groter zijn dan het minimum.")
        if self.members_target and self.members_max and self.members_target > self.members_max:
            errors["members_target"] = _("Het streefaantal ligt boven het maximum.")
        if (
            self.meetings_per_year_min
            and self.meetings_per_year_max
            and self.meetings_per_year_min > self.meetings_per_year_max
        ):
            errors["meetings_per_year_max"] = _("Het maximum moet groter zijn dan het minimum.")
        if (
            self.meeting_hours_min
            and self.meeting_hours_max
            and self.meeting_hours_min > self.meeting_hours_max
        ):
            errors["meeting_hours_max"] = _("De maximale duur moet langer zijn dan de minimale.")
        unknown = set(self.required_organisation_types or []) - set(Organisation.Type.values)
        if unknown:
            errors["required_organisation_types"] = _("Onbekende soort organisatie.")
        self.monitor_satisfaction_question = (self.monitor_satisfaction_question or "").strip()
        for field, message in self.monitor_contradictions().items():
            errors.setdefault(field, message)
        for field, message in rule_profile_problems(self).items():
            errors.setdefault(field, message)
        if errors:
            raise ValidationError(errors)

    # Pairs of monitor thresholds where higher is better: "Voldoet" from the first, "Voldoet
    # niet" below the second. The second may not lie above the first.
    MONITOR_HIGHER_IS_BETTER = (
        ("monitor_physical_green", "monitor_physical_red"),
        ("monitor_attendance_green", "monitor_attendance_red"),
        ("monitor_lessons_green", "monitor_lessons_red"),
        ("monitor_agreements_green", "monitor_agreements_red"),
        ("monitor_signals_green", "monitor_signals_red"),
        ("monitor_satisfaction_green", "monitor_satisfaction_red"),
    )

    def monitor_contradictions(self) -> dict[str, str]:
        """Thresholds that cannot all hold at once, each with a Dutch message for its field.
        The monitor would otherwise call a community both fine and failing (issue "Evaluation
        and monitor": thresholds that contradict are refused)."""
        errors: dict[str, str] = {}
        for green, red in self.MONITOR_HIGHER_IS_BETTER:
            high, low = getattr(self, green), getattr(self, red)
            if high is not None and low is not None and low > high:
                errors[red] = _(
                    "Deze grens voor ‘Voldoet niet’ ligt boven de grens voor ‘Voldoet’ (%(high)s)."
                ) % {"high": high}
        orange, red = self.monitor_turnover_orange, self.monitor_turnover_red
        if orange is not None and red is not None and orange > red:
            errors["monitor_turnover_red"] = _(
                "Deze grens voor ‘Voldoet niet’ ligt onder de grens voor ‘Let op’ (%(orange)s)."
            ) % {"orange": orange}
        if self.members_min and self.members_target and self.members_target < self.members_min:
            errors["members_target"] = _("Het streefaantal ligt onder het minimum.")
        if (
            self.organisations_min
            and self.members_max
            and self.organisations_min > self.members_max
        ):
            errors["organisations_min"] = _(
                "Er kunnen niet meer organisaties zijn dan het maximum aantal deelnemers."
            )
        return errors


class Community(models.Model):
    class Scope(models.TextChoices):
        REGIONAL = "regional", _("Regionaal")
        NATIONAL = "national", _("Landelijk")

    class Scenario(models.TextChoices):
        # Report §6.3: the scenario decides composition, agenda style, guidance and how
        # results are secured.
        A = "A", _("A – Lokaal kennismaken")
        B = "B", _("B – Lokale resultaten")
        C = "C", _("C – Verbetering van het stelsel")

    class Phase(models.TextChoices):
        # SWW flyer: a CoP moves through three phases.
        EXPLORE = "explore", _("Verkennen")
        OBSERVE_EXPERIMENT = "observe_experiment", _("Observeren en experimenteren")
        DEVELOP = "develop", _("Nieuwe kennis en praktijk ontwikkelen")

    class Status(models.TextChoices):
        STARTING = "starting", _("In oprichting")
        ACTIVE = "active", _("Actief")
        PAUSED = "paused", _("Gepauzeerd")
        ENDED = "ended", _("Beëindigd")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("naam"), max_length=150)
    scope = models.CharField(
        _("reikwijdte"), max_length=10, choices=Scope.choices, default=Scope.REGIONAL
    )
    region = models.CharField(_("regio"), max_length=80, blank=True, db_index=True)
    theme = models.CharField(_("thema"), max_length=200, blank=True)
    learning_question = models.TextField(_("leervraag"), blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    scenario = models.CharField(_("scenario"), max_length=1, choices=Scenario.choices)
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.EXPLORE)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.STARTING, db_index=True
    )
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    meeting_interval_weeks = models.PositiveSmallIntegerField(
        _("weken tussen bijeenkomsten"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text=_("Leeg laten om de spelregels van het programma te volgen."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Active members and their distinct organisations, kept by `communities.member_counts`
    # on every membership saved or deleted. Empty means not kept (count); they hold until
    # `kept_counts_until`, the first date a membership starts or ends.
    kept_member_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    kept_organisation_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    kept_counts_until = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("gemeenschap")
        verbose_name_plural = _("gemeenschappen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="community_name_unique_in_programme"
            )
        ]
        # The overview sorted by a kept count reads only its page (`member_counts`), and finds
        # the counts that are out of date or not kept without reading the others.
        indexes = [
            models.Index(
                fields=["programme", f"{d}kept_{n}_count", "name", "id"], name=f"community_{n}s_{a}"
            )
            for n in ("member", "organisation")
            for d, a in (("", "asc"), ("-", "desc"))
        ] + [models.Index(fields=["programme", "kept_counts_until"], name="community_counts_until")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("communities:community", args=[self.pk])

    def clean(self) -> None:
        if self.scope == self.Scope.REGIONAL and not self.region:
            raise ValidationError({"region": _("Een regionale gemeenschap heeft een regio.")})

    @property
    def effective_meeting_interval_weeks(self) -> int:
        if self.meeting_interval_weeks:
            return self.meeting_interval_weeks
        return self.programme.rule_profile.meeting_interval_weeks


def active_membership_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """Memberships that count today: joined, and not (yet) left. `prefix` lets annotations on
    Community (``"memberships__"``) use the same rule as `Membership.objects.active()`."""
    on = on or timezone.localdate()
    return (Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})) & Q(
        **{f"{prefix}joined_on__lte": on}
    )


class MembershipQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> MembershipQuerySet:
        return self.filter(active_membership_q(on=on))


class Membership(models.Model):
    """A person's seat in one community, with their community role.

    The report (§5.1.2) found two things about seats worth keeping: members pass their seat to
    a colleague when they leave (*het stokje overdragen*, kept as `predecessor`) and colleagues
    of one organisation share a seat and attend in turn (`shares_seat_with`).
    """

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Deelnemer")
        LEAD = "lead", _("Communitytrekker")
        FACILITATOR = "facilitator", _("Procesbegeleider")
        # Only where the programme's rule profile lets one person hold both roles.
        LEAD_FACILITATOR = "lead_facilitator", _("Communitytrekker en procesbegeleider")

    class LeftReason(models.TextChoices):
        LEFT = "left", _("Gestopt")
        HANDOVER = "handover", _("Overgedragen aan collega")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        Person, verbose_name=_("persoon"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("De organisatie waarvoor iemand deelneemt, op het moment van deelname."),
    )
    joined_on = models.DateField(_("lid sinds"), default=timezone.localdate)
    left_on = models.DateField(_("lid tot"), null=True, blank=True)
    left_reason = models.CharField(
        _("reden van vertrek"), max_length=10, choices=LeftReason.choices, blank=True
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("neemt het stokje over van"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
    )
    shares_seat_with = models.ForeignKey(
        "self",
        verbose_name=_("deelt de plek met"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seat_sharers",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["community", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "person"],
                condition=Q(left_on__isnull=True),
                name="membership_one_open_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["person", "left_on"]),
            # The leads and facilitators of a set of communities (a network's members, its
            # count) without reading every participant's seat.
            models.Index(
                fields=["community", "person"],
                condition=Q(role__in=["lead", "facilitator", "lead_facilitator"]),
                name="membership_guides",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.community}"

    def save(self, *args, **kwargs) -> None:
        from .member_counts import refresh_member_counts
        from .membership_changes import seat_before

        # Its community's kept counts and the one's it left, in the save's transaction.
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            left = getattr(seat_before(self), "community_id", None)
            refresh_member_counts(sorted({self.community_id, left} - {None}))

    def clean(self) -> None:
        if self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("De einddatum ligt vóór de startdatum.")})
        if self.shares_seat_with_id:
            other = self.shares_seat_with
            if other.community_id != self.community_id:
                raise ValidationError(
                    {"shares_seat_with": _("Een gedeelde plek hoort bij dezelfde gemeenschap.")}
                )
            if other.organisation_id != self.organisation_id:
                raise ValidationError(
                    {
                        "shares_seat_with": _(
                            "Alleen collega's van dezelfde organisatie delen een plek."
                        )
                    }
                )
            if other.pk == self.pk:
                raise ValidationError(
                    {"shares_seat_with": _("Iemand kan geen plek met zichzelf delen.")}
                )

    @property
    def is_lead(self) -> bool:
        return self.role in LEAD_ROLES

    @property
    def is_facilitator(self) -> bool:
        return self.role in FACILITATOR_ROLES

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.joined_on <= today and (self.left_on is None or self.left_on > today)


LEAD_ROLES = frozenset({Membership.Role.LEAD, Membership.Role.LEAD_FACILITATOR})
FACILITATOR_ROLES = frozenset({Membership.Role.FACILITATOR, Membership.Role.LEAD_FACILITATOR})
