"""Signals: bottlenecks a community passes on, and the venster that keeps track of them
(DESIGN.md §3 "Signal and the venster", report §3.2.4).

A signal is a draft inside its community until the lead or facilitator passes it on. From
then on every change goes through `signalling.lifecycle` (one place, a row lock, an explicit
transition table) and is appended to `SignalEvent`, so the history can never be bypassed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Programme
from leerkring.meetings.models import Meeting
from leerkring.meetings.topics import InfluenceLevel, SolutionLevel, TopicCategory


class SignalTheme(models.Model):
    """A main issue (hoofdvraagstuk) that signals are grouped under.

    One answer given on a theme reaches every community whose signals are linked to it.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="signal_themes")
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("samengevoegd met"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_themes",
    )
    # The top five is computed; a coordinator may pin a theme into it or keep one out of it,
    # always with a reason that is shown beside it.
    pinned = models.BooleanField(_("vastgezet in de top vijf"), default=False)
    excluded = models.BooleanField(_("uitgesloten van de top vijf"), default=False)
    ranking_reason = models.CharField(_("reden"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hoofdvraagstuk")
        verbose_name_plural = _("hoofdvraagstukken")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"],
                condition=models.Q(merged_into__isnull=True),
                name="signal_theme_title_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title


class SignalThemeTally(models.Model):
    """A theme's signal figures, kept up to date by `signalling.tallies` whenever one of its
    signals changes, so the theme list and the top five read one row per theme instead of
    counting every signal of the programme on every request (issue 17).

    "Passed on" is every state but a draft; "open" are the states the top five counts
    (`ranking.COUNTED_STATES`). `open_by_day` holds, per day (ISO date), the open signals raised
    on or after `open_since`: enough for the top five's window on any day from the last refresh
    on, whatever "today" is then.
    """

    theme = models.OneToOneField(
        SignalTheme, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    passed_on = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    communities = models.PositiveIntegerField(default=0)
    communities_open = models.PositiveIntegerField(default=0)
    latest = models.DateField(null=True, blank=True)
    latest_open = models.DateField(null=True, blank=True)
    open_since = models.DateField(null=True, blank=True)
    open_by_day = models.JSONField(default=dict, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.theme_id}: {self.passed_on} / {self.open}"


class SystemInboxTally(models.Model):
    """How many of the programme's signals were escalated to the system level (now or before):
    the count of the system partners' inbox, kept by `signalling.system_marks` whenever a
    signal's mark changes, so a page of the inbox does not count every escalated signal of the
    programme (issue 17)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    escalated = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.escalated}"


class VensterTally(models.Model):
    """A programme's passed-on signals per state, and its open never-answered ones per state
    and day they were passed on: the venster's counts without reading every signal of the
    programme (issue 17), kept by `signalling.venster_tallies` whenever a signal changes.
    "Waiting for feedback" moves with time, so it is kept by day and summed before the
    deadline when read."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    #: {state: signals} of every state but draft.
    states = models.JSONField(default=dict)
    #: {state: {"YYYY-MM-DD" (UTC day passed on): signals}} of the open, never-answered ones.
    unanswered = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.programme_id}: {sum(self.states.values())}"


class Signal(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Concept (binnen de gemeenschap)")
        NEW = "new", _("Nieuw")
        IN_PROGRESS = "in_progress", _("In behandeling")
        KNOWN = "known", _("Bekend")
        BACK_TO_COMMUNITY = "back_to_community", _("Terug naar de gemeenschap")
        ESCALATED_LCC = "escalated_lcc", _("Opgeschaald naar het LCC")
        ESCALATED_SYSTEM = "escalated_system", _("Opgeschaald naar stelselniveau")
        RESOLVED = "resolved", _("Opgelost")
        NO_FOLLOW_UP = "no_follow_up", _("Geen vervolg")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="signals")
    # The community's programme, kept on the signal (set on save from the community, which
    # never moves to another programme), so a programme's newest signals are one index range:
    # what search walks for the venster's audience without reading the other programmes'.
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="signals"
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"))
    topic_category = models.CharField(
        _("onderwerpcategorie"), max_length=20, choices=TopicCategory.choices, blank=True
    )
    subtopic = models.CharField(_("onderwerp"), max_length=150, blank=True)
    solution_level = models.CharField(
        _("niveau van oplossing"),
        max_length=10,
        choices=SolutionLevel.choices,
        default=SolutionLevel.LOCAL,
    )
    influence_level = models.CharField(
        _("niveau van invloed"), max_length=15, choices=InfluenceLevel.choices, blank=True
    )
    raised_on = models.DateField(_("datum"), default=timezone.localdate)
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    theme = models.ForeignKey(
        SignalTheme,
        verbose_name=_("hoofdvraagstuk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signals",
    )
    known_as = models.ForeignKey(
        "self",
        verbose_name=_("hetzelfde als"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("behandelaar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    passed_on_at = models.DateTimeField(_("doorgegeven op"), null=True, blank=True, db_index=True)
    passed_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept by the lifecycle on every answer to the community, so "waiting for feedback" is a
    # plain indexed filter at national scale.
    last_feedback_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # What the system partners' inbox sorts on, kept by `signalling.system_marks` when an
    # escalation to the system level or an answer from it is saved: the newest escalation to the
    # system level (none: never escalated there), and whether the system level answered.
    system_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    system_answered = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-raised_on", "-pk"]
        indexes = [
            models.Index(fields=["community", "raised_on"]),
            models.Index(fields=["state", "passed_on_at"]),
            # The venster's default order after the waiting rows: newest first.
            models.Index(fields=["-raised_on", "-id"], name="signal_raised_on_id"),
            # The same order within one programme (the venster's rows after the waiting ones),
            # and for the rows that may be waiting for feedback (open and never answered): the
            # venster's first page reads the rows it shows, not every newer signal of the
            # network on the way (issue 17).
            models.Index(fields=["programme", "-raised_on", "-id"], name="signal_programme_raised"),
            models.Index(
                fields=["programme", "-raised_on", "-id"],
                name="signal_programme_unanswered",
                condition=models.Q(last_feedback_at__isnull=True)
                & ~models.Q(state__in=["draft", "resolved", "no_follow_up"]),
            ),
            # A programme's newest signals, walked by search (`search.selectors`).
            models.Index(fields=["programme", "-id"], name="signal_programme_newest"),
            # A theme's newest signals, read for its profile (`similarity.theme_model`).
            models.Index(fields=["theme", "-id"], name="signal_theme_newest"),
            # Signals that may be waiting for feedback (`selectors.waiting_for_feedback_q`):
            # open and never answered; the deadline is a range on `passed_on_at`.
            # The system partners' inbox: unanswered first, newest escalation first.
            models.Index(
                fields=["system_answered", "-system_escalated_at", "-id"],
                name="signal_system_inbox",
                condition=models.Q(system_escalated_at__isnull=False),
            ),
            # A programme's newest signals escalated to the system level, walked by a system
            # partner's search (`search.selectors.signal_windows`).
            models.Index(
                fields=["programme", "-id"],
                name="signal_programme_system",
                condition=models.Q(system_escalated_at__isnull=False),
            ),
            models.Index(
                fields=["passed_on_at"],
                name="signal_awaiting_feedback",
                condition=models.Q(last_feedback_at__isnull=True)
                & ~models.Q(state__in=["draft", "resolved", "no_follow_up"]),
            ),
            # The same within one programme: the venster's waiting count reads only the
            # deadline's own day from the signals (`signalling.venster_tallies`).
            models.Index(
                fields=["programme", "passed_on_at"],
                name="signal_programme_awaiting",
                condition=models.Q(last_feedback_at__isnull=True)
                & ~models.Q(state__in=["draft", "resolved", "no_follow_up"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.programme_id is None and self.community_id is not None:
            self.programme_id = self.community.programme_id
        super().save(*args, **kwargs)

    # The venster shows these labels on every row; Django's generated `get_FOO_display`
    # rebuilds a dict of all (lazily translated) choices on each call.
    def get_state_display(self) -> str:
        return _choice_label(Signal.State, self.state)

    def get_solution_level_display(self) -> str:
        return _choice_label(SolutionLevel, self.solution_level)

    def get_topic_category_display(self) -> str:
        return _choice_label(TopicCategory, self.topic_category)


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class CoordinationMeeting(models.Model):
    """The national coordination meeting (LCC) where escalated signals are discussed."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="coordination_meetings"
    )
    title = models.CharField(_("titel"), max_length=200)
    held_on = models.DateField(_("datum"))
    notes = models.TextField(_("aantekeningen"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Recorded as held: from then on the meeting is a record — its agenda and top five are the
    # snapshot rows below, not today's venster, and it takes no new decisions (issue 12 §9).
    recorded_at = models.DateTimeField(_("vastgelegd als gehouden op"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # False when the top five was not kept at the time (meetings recorded by the migration).
    top_five_kept = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("landelijk coördinatieoverleg")
        verbose_name_plural = _("landelijke coördinatieoverleggen")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None


class CoordinationAgendaItem(models.Model):
    """A signal the meeting discussed, as it stood then. The signal's text is not copied: it
    is read from the signal, so a later redaction of personal data reaches the record too
    (DESIGN.md §2)."""

    coordination_meeting = models.ForeignKey(
        CoordinationMeeting, on_delete=models.CASCADE, related_name="agenda_items"
    )
    signal = models.ForeignKey("Signal", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    state = models.CharField(_("status"), max_length=20, choices=Signal.State.choices)
    theme_title = models.CharField(_("hoofdvraagstuk"), max_length=200, blank=True)
    escalated = models.BooleanField(_("opgeschaald naar het LCC"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["coordination_meeting", "signal"], name="one_agenda_item_per_lcc_signal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coordination_meeting_id} {self.signal_id}"


class CoordinationTopTheme(models.Model):
    """One place of the top five as it stood when the meeting was recorded as held."""

    coordination_meeting = models.ForeignKey(
        CoordinationMeeting, on_delete=models.CASCADE, related_name="top_themes"
    )
    rank = models.PositiveSmallIntegerField()
    theme = models.ForeignKey(
        SignalTheme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("titel"), max_length=200)
    score = models.IntegerField(default=0)
    signals_recent = models.PositiveIntegerField(default=0)
    communities = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField(default=False)
    ranking_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"


class Escalation(models.Model):
    """One step up the ladder, kept as its own record so a signal's path stays readable after
    it comes back down."""

    class Level(models.TextChoices):
        LCC = "lcc", _("Landelijk coördinatieoverleg (LCC)")
        SYSTEM = "system", _("Stelselniveau")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices)
    question = models.TextField(_("vraag"))
    coordination_meeting = models.ForeignKey(
        CoordinationMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations",
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("opschaling")
        verbose_name_plural = _("opschalingen")
        ordering = ["escalated_at", "pk"]

    def __str__(self) -> str:
        return f"{self.signal} → {self.get_level_display()}"


class SignalResponse(models.Model):
    """An answer or progress update (terugkoppeling). Given on a signal, or on a theme — then it
    reaches every community whose signals are linked to that theme."""

    class Source(models.TextChoices):
        COORDINATOR = "coordinator", _("Coördinatiepunt")
        LCC = "lcc", _("Landelijk coördinatieoverleg")
        SYSTEM = "system", _("Stelselniveau")

    signal = models.ForeignKey(
        Signal, on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )
    theme = models.ForeignKey(
        SignalTheme, on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )
    escalation = models.ForeignKey(
        Escalation, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    source = models.CharField(_("van"), max_length=12, choices=Source.choices)
    text = models.TextField(_("antwoord"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("terugkoppeling")
        verbose_name_plural = _("terugkoppelingen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signal__isnull=False) | models.Q(theme__isnull=False),
                name="signal_response_has_subject",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class SignalEvent(models.Model):
    """Append-only history of a signal: every state, theme, owner, text or redaction change,
    with who and when. Redacted text is never written here."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Aangemaakt")
        PASSED_ON = "passed_on", _("Doorgegeven")
        STATE = "state", _("Status gewijzigd")
        THEME = "theme", _("Hoofdvraagstuk gewijzigd")
        OWNER = "owner", _("Behandelaar gewijzigd")
        TEXT = "text", _("Tekst gewijzigd")
        REDACTION = "redaction", _("Persoonsgegevens verwijderd")
        ESCALATION = "escalation", _("Opgeschaald")
        RESPONSE = "response", _("Terugkoppeling")
        DECISION = "decision", _("Besluit LCC")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_state = models.CharField(max_length=20, choices=Signal.State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=Signal.State.choices, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.signal_id} {self.kind}"


class CoordinationDecision(models.Model):
    """What the LCC decided for one signal on its agenda; recorded as a lifecycle step."""

    coordination_meeting = models.ForeignKey(
        CoordinationMeeting, on_delete=models.CASCADE, related_name="decisions"
    )
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="decisions")
    decision = models.TextField(_("besluit"))
    resulting_state = models.CharField(
        _("nieuwe status"), max_length=20, choices=Signal.State.choices
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["coordination_meeting", "signal"], name="one_decision_per_lcc_signal"
            )
        ]

    def __str__(self) -> str:
        return self.decision[:60]
