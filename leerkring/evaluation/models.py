"""The evaluator's fieldwork (DESIGN.md §3 "Evaluation", report §2 and Bijlage 3–4):
observations of meetings, most-significant-change stories. The CoP monitor and the reports
are computed from the other apps' data; the monitor keeps only its programme matrix's outcome
per data version (`MonitorSummary`, `MonitorStanding`), so the matrix page reads one page of
communities instead of computing the programme, and the reports as the task worker last
computed them (`StoredReport`), so a report page never builds one."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Programme
from leerkring.meetings.models import Meeting


class ObservationTemplate(models.Model):
    """A set of observation questions. The schema of Bijlage 4 is built in (programme empty);
    evaluators may make their own for a programme."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("titel"), max_length=200)
    key = models.SlugField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("observatieschema")
        verbose_name_plural = _("observatieschema's")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ObservationQuestion(models.Model):
    class Prefill(models.TextChoices):
        # What Leerkring already knows about the meeting and fills in for the observer.
        NONE = "", _("Niets")
        ATTENDANCE = "attendance", _("Opkomst en aanwezige organisaties")
        GUIDANCE = "guidance", _("Wie leidde welk deel")
        WORK_FORMS = "work_forms", _("Werkvormen en gasten")
        PERSPECTIVE = "perspective", _("Perspectief van de inburgeraar")
        TOPICS = "topics", _("Onderwerpen per categorie")
        SIGNALS = "signals", _("Doorgegeven signalen")

    template = models.ForeignKey(
        ObservationTemplate, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(max_length=10)
    question = models.TextField(_("vraag"))
    frame = models.TextField(_("observatiekader"), blank=True)
    measure = models.TextField(_("te meten"), blank=True)
    wrapup_question = models.TextField(_("vraag voor de wrap-up van vijf minuten"), blank=True)
    prefill = models.CharField(max_length=20, choices=Prefill.choices, blank=True)

    class Meta:
        ordering = ["template", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.question[:60]}"


class Observation(models.Model):
    """An evaluator's notes on one meeting they attended. For evaluators and coordinators,
    never for members: the observer stays in the background (report §2)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="observations")
    template = models.ForeignKey(ObservationTemplate, on_delete=models.PROTECT, related_name="+")
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # What the meeting knew when the form was opened, kept so the observation stays readable
    # if attendance or the agenda is corrected later.
    prefill = models.JSONField(default=dict, blank=True)
    atmosphere = models.TextField(_("sfeer"), blank=True)
    roles = models.TextField(_("rollen"), blank=True)
    reactions = models.TextField(_("reacties van deelnemers"), blank=True)
    quotes = models.TextField(_("citaten"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("observatie")
        verbose_name_plural = _("observaties")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.meeting)


class ObservationAnswer(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ObservationQuestion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("waarneming"), blank=True)
    wrapup_answers = models.TextField(_("antwoorden in de wrap-up"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class StoryInvitation(models.Model):
    """A link through which participants, managers and partners tell their story."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("titel"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class ChangeStory(models.Model):
    """A most-significant-change story (report Bijlage 3, §4.1)."""

    class Teller(models.TextChoices):
        PARTICIPANT = "participant", _("Deelnemer")
        MANAGER = "manager", _("Leidinggevende")
        PARTNER = "partner", _("Partner")
        OTHER = "other", _("Anders")

    class Source(models.TextChoices):
        LINK = "link", _("Via de link ingestuurd")
        INTERVIEW = "interview", _("Interview door onderzoeker")

    class Level(models.TextChoices):
        PARTICIPANT = "participant", _("Deelnemer")
        ORGANISATION = "organisation", _("Organisatie")
        SYSTEM = "system", _("Stelsel")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_stories"
    )
    invitation = models.ForeignKey(
        StoryInvitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="stories"
    )
    teller = models.CharField(_("verteller"), max_length=12, choices=Teller.choices)
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices)
    title = models.CharField(_("titel"), max_length=200, blank=True)
    story = models.TextField(_("verhaal"))
    why_significant = models.TextField(_("waarom is dit de belangrijkste verandering?"), blank=True)
    # Evaluator's tags (report §4.1): the kinds of change and the level where it happened.
    tag_knowledge = models.BooleanField(_("kennis en inzicht"), default=False)
    tag_relations = models.BooleanField(_("relaties"), default=False)
    tag_attitude = models.BooleanField(_("houding"), default=False)
    tag_actions = models.BooleanField(_("handelen"), default=False)
    level = models.CharField(_("niveau"), max_length=12, choices=Level.choices, blank=True)
    selected = models.BooleanField(_("geselecteerd"), default=False)
    shareable = models.BooleanField(_("mag gedeeld worden"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verhaal over verandering")
        verbose_name_plural = _("verhalen over verandering")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or self.story[:60]


class MonitorSummary(models.Model):
    """The programme matrix's outcome for one data version (`monitor.standings`): how many
    communities have each status per check. Written together with the programme's
    `MonitorStanding` rows; a version other than the current one means they are stale."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.TextField()
    communities = models.PositiveIntegerField(default=0)
    # {check key: {status: communities}}, and under "any" the communities with at least one
    # check in that status.
    counts = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.programme_id} {self.computed_at:%Y-%m-%d %H:%M}"


class MonitorStanding(models.Model):
    """One community's statuses in the programme matrix (in `monitor.CHECK_KEYS` order) and
    how many checks have each status, so the matrix is filtered, sorted and paged in the
    database. The name is copied so the order and the search need no join."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=150)
    statuses = models.JSONField(default=list)
    green = models.PositiveSmallIntegerField(default=0)
    orange = models.PositiveSmallIntegerField(default=0)
    red = models.PositiveSmallIntegerField(default=0)
    unknown = models.PositiveSmallIntegerField(default=0)
    no_norm = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            # The matrix's two orders: most "Voldoet niet" first, and by name.
            models.Index(
                "programme",
                models.F("red").desc(),
                models.F("orange").desc(),
                "name",
                "community",
                name="monitor_standing_reds",
            ),
            models.Index(fields=["programme", "name", "community"], name="monitor_standing_name"),
        ]

    def __str__(self) -> str:
        return self.name


class StoredReport(models.Model):
    """A community or programme report over one period, in one language, as the task worker
    last computed it (evaluation/reports/store.py).

    The page shows it at once; `version` says which data it was computed from (the report's
    data version and the day), and `queued_version` which computation was asked for last, so
    one view of changed data queues one computation, not one per visitor."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("gemeenschap")
        PROGRAMME = "programme", _("programma")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    subject_id = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    language = models.CharField(max_length=10)
    version = models.CharField(max_length=200, blank=True)
    report = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(null=True, blank=True)
    queued_version = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "period_start", "period_end", "language"],
                name="stored_report_one_per_subject_period_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} {self.period_start}–{self.period_end}"
