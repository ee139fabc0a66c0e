"""A community's meeting cycle (DESIGN.md §3 "Meeting"): planning, agenda, attendance,
outcomes, minutes, and the conversation between meetings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community, Membership, Organisation, Person, Programme

from .topics import InfluenceLevel, TopicCategory


class WorkForm(models.Model):
    """The catalogue of work forms (report §3.2.2). Built-in forms have no programme; a
    programme can add its own."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="work_forms"
    )
    key = models.SlugField(max_length=40)
    name = models.CharField(_("naam"), max_length=100)
    description = models.TextField(_("omschrijving"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in gebruik"), default=True)

    class Meta:
        verbose_name = _("werkvorm")
        verbose_name_plural = _("werkvormen")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="work_form_key_unique"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(programme__isnull=True), name="work_form_builtin_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    class Format(models.TextChoices):
        PHYSICAL = "physical", _("Fysiek")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybride")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Gepland")
        HELD = "held", _("Gehouden")
        CANCELLED = "cancelled", _("Afgelast")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("titel"), max_length=150, blank=True)
    starts_at = models.DateTimeField(_("begin"), db_index=True)
    ends_at = models.DateTimeField(_("einde"))
    place = models.CharField(_("locatie"), max_length=150, blank=True)
    address = models.CharField(_("adres"), max_length=250, blank=True)
    host_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("gastorganisatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    format = models.CharField(
        _("vorm"), max_length=10, choices=Format.choices, default=Format.PHYSICAL
    )
    online_url = models.URLField(_("link voor online deelname"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    cancel_reason = models.TextField(_("reden van afgelasten"), blank=True)
    # Gewogen Maatwerk: each session one case, brought in by a participating organisation in turn.
    case_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("casus ingebracht door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_brought",
    )
    case_title = models.CharField(_("casus"), max_length=200, blank=True)
    agenda_published_at = models.DateTimeField(null=True, blank=True)
    # Calendar invitations: one UID for the event's whole life, SEQUENCE raised on each change.
    published_at = models.DateTimeField(null=True, blank=True)
    ical_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Who may observe the meeting for the evaluation (report Bijlage 4): the evaluators the
    # community invited as observer, or — when the community opens it — the programme's
    # evaluators. Only they open an observation form for it and see its agenda there.
    open_to_observation = models.BooleanField(_("open voor observatie"), default=False)
    observers = models.ManyToManyField(
        "communities.Person", verbose_name=_("observatoren"), blank=True, related_name="+"
    )
    minutes = models.TextField(_("verslag"), blank=True)
    minutes_updated_at = models.DateTimeField(null=True, blank=True)
    minutes_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["community", "starts_at"])]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.community} – {local:%d-%m-%Y}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Het einde ligt niet na het begin.")})
        if self.format in (self.Format.ONLINE, self.Format.HYBRID) and not self.online_url:
            raise ValidationError({"online_url": _("Geef een link voor online deelname.")})
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": _("Geef een reden voor het afgelasten.")})

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AgendaItem(models.Model):
    class Perspective(models.TextChoices):
        # How the perspective of the inburgeraar comes in (report §5.1.2: important, often missing).
        NONE = "", _("Niet")
        PARTICIPANT = "participant", _("Inburgeraar als deelnemer")
        STORY = "story", _("Verhaal van een inburgeraar")
        INTERVIEW = "interview", _("Interview met een inburgeraar")
        FISHBOWL = "fishbowl", _("Vissenkom met inburgeraars")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("titel"), max_length=200)
    work_form = models.ForeignKey(
        WorkForm,
        verbose_name=_("werkvorm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    topic_category = models.CharField(
        _("onderwerpcategorie"), max_length=20, choices=TopicCategory.choices, blank=True
    )
    subtopic = models.CharField(_("onderwerp"), max_length=150, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minuten"), default=30)
    led_by = models.CharField(_("wie leidt dit"), max_length=150, blank=True)
    perspective = models.CharField(
        _("perspectief van de inburgeraar"),
        max_length=12,
        choices=Perspective.choices,
        blank=True,
        default=Perspective.NONE,
    )
    description = models.TextField(_("toelichting"), blank=True)
    # The look-back item listing open agreements from earlier meetings (added automatically).
    is_lookback = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Guest(models.Model):
    class Role(models.TextChoices):
        GUEST = "guest", _("Gast")
        EXPERT = "expert", _("Deskundige / gastspreker")
        EXPERIENCE_EXPERT = "experience_expert", _("Ervaringsdeskundige")
        INBURGERAAR = "inburgeraar", _("Inburgeraar")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("naam"), max_length=150)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.GUEST)
    organisation_name = models.CharField(_("organisatie"), max_length=150, blank=True)
    present = models.BooleanField(_("aanwezig"), default=True)

    class Meta:
        verbose_name = _("gast")
        verbose_name_plural = _("gasten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RsvpLink(models.Model):
    """The personal answer link of one seat for one meeting, as e-mailed. The token is random:
    the database keeps its SHA-256 to find the seat, and the token sealed (core.sealing) so
    an update or reminder carries the same link; a copy of the database opens nothing."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    token_sealed = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="one_rsvp_link")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.membership_id}"


class Rsvp(models.Model):
    """A member's answer to the invitation: will attend or not."""

    class Answer(models.TextChoices):
        ATTEND = "attend", _("Ik kom")
        DECLINE = "decline", _("Ik kan niet")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="rsvps")
    answer = models.CharField(_("antwoord"), max_length=10, choices=Answer.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="rsvp_once")]

    def __str__(self) -> str:
        return f"{self.membership.person} – {self.get_answer_display()}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Aanwezig")
        ABSENT = "absent", _("Afwezig")
        EXCUSED = "excused", _("Afgemeld")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("aanwezigheid"), max_length=10, choices=Status.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_once")
        ]
        indexes = [models.Index(fields=["membership", "meeting"])]

    def __str__(self) -> str:
        return f"{self.membership.person} – {self.get_status_display()}"


class Lesson(models.Model):
    """A lesson named at the end of a meeting (report §5.1.3: naming it is what lets it travel)."""

    class LearningOrder(models.TextChoices):
        FIRST = "first", _("Eerste orde: het bestaande beter doen")
        SECOND = "second", _("Tweede orde: onderliggende patronen anders")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="lessons")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="lessons")
    # The community's programme, kept on the lesson (set on save from the community, which
    # never moves to another programme), so a programme's newest shared lessons are one index
    # range: what search walks for the programme's readers (`search.selectors`).
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    text = models.TextField(_("leerpunt"))
    learning_order = models.CharField(
        _("soort leren"), max_length=10, choices=LearningOrder.choices, default=LearningOrder.FIRST
    )
    influence_level = models.CharField(
        _("niveau van invloed"),
        max_length=15,
        choices=InfluenceLevel.choices,
        default=InfluenceLevel.OWN_PRACTICE,
    )
    shareable = models.BooleanField(_("mag gedeeld worden buiten de gemeenschap"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("leerpunt")
        verbose_name_plural = _("leerpunten")
        ordering = ["created_at", "pk"]
        indexes = [
            # A programme's newest shared lessons, walked by search (`search.selectors`).
            models.Index(
                fields=["programme", "-id"],
                name="lesson_programme_shared",
                condition=Q(shareable=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.programme_id is None and self.community_id is not None:
            self.programme_id = self.community.programme_id
        super().save(*args, **kwargs)


class Agreement(models.Model):
    """A follow-up action (afspraak). Open agreements come back on the next agenda."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Gedaan")
        DROPPED = "dropped", _("Vervallen")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agreements")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="agreements")
    text = models.TextField(_("afspraak"))
    owner = models.ForeignKey(
        Membership,
        verbose_name=_("wie pakt het op"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    due_date = models.DateField(_("uiterlijk"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["due_date", "created_at", "pk"]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        # A follow-up action is agreed at the meeting, so it cannot fall due before that day;
        # accepting it made the agreement "Verlopen" the moment it was written down.
        if self.due_date and self.meeting_id:
            meeting_day = timezone.localtime(self.meeting.starts_at).date()
            if self.due_date < meeting_day:
                raise ValidationError(
                    {
                        "due_date": _(
                            "Deze datum ligt vóór de bijeenkomst (%(date)s). Kies de dag van "
                            "de bijeenkomst of later."
                        )
                        % {"date": formats.date_format(meeting_day, "j F Y")}
                    }
                )


class AgreementStatusChange(models.Model):
    """Append-only: who changed an agreement's status, and when."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(max_length=10, choices=Agreement.Status.choices)
    new_status = models.CharField(max_length=10, choices=Agreement.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.old_status} → {self.new_status}"


class CalendarFeed(models.Model):
    """A person's secret calendar URL. Only a hash of the token is kept; revoking deletes it."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.person)


class Thread(models.Model):
    """Conversation between meetings (the report's app groups), for members only.

    A thread without a community belongs to another closed space that keeps its own list of
    threads and its own members (the network of leads and facilitators); the community pages,
    the digest and search only ever look at threads of a community."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="threads", null=True, blank=True
    )
    title = models.CharField(_("onderwerp"), max_length=200)
    started_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        ordering = ["-last_message_at"]
        indexes = [
            # The threads of the other spaces (the network's), most recently active first:
            # their list walks these alone, not every community's threads.
            models.Index(
                F("last_message_at").desc(),
                F("id").desc(),
                condition=Q(community__isnull=True),
                name="thread_without_community",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("bericht"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class ThreadNotificationPreference(models.Model):
    """How a member wants to hear about new messages in one community."""

    class Mode(models.TextChoices):
        EACH = "each", _("Bij elk bericht")
        DIGEST = "digest", _("Eén keer per dag een overzicht")
        OFF = "off", _("Geen e-mail")

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="thread_notification"
    )
    mode = models.CharField(_("e-mail over gesprekken"), max_length=10, choices=Mode.choices)
    digest_sent_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.membership.person} – {self.get_mode_display()}"
