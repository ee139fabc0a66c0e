"""Cross-cutting records. `AuditEvent` is the append-only history every service writes to;
`AccessRecord` keeps who read or exported personal data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which object, and when. Never edited, never deleted by the app.

    The object is named by type and id rather than a foreign key so that any app can write
    here without this app depending on it; `community_id` lets a community's history be read
    in one query.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    community_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type}#{self.object_id}"


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life, written every few seconds by `manage.py run_worker`. A task
    left "running" by a worker that stopped beating is put back (`core.worker`)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=100, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class AccessRecord(models.Model):
    """Who took which personal data out, and when: the reads and exports that `AuditEvent`
    (changes only) does not see — the venster export, minutes as PDF or DOCX, report
    exports, a community's member list, a newsletter's subscriber list, survey exports.

    Shown to the programme's coordinators and to administrators
    (`communities.permissions.can_view_access_log`); kept for `ACCESS_LOG_RETENTION_DAYS`
    (`manage.py purge_access_log`). Named by type and id like `AuditEvent`, so every app can
    write here without this app depending on it."""

    class Kind(models.TextChoices):
        VENSTER_EXPORT = "venster_export", _("Venster als Excel")
        MINUTES_DOCX = "minutes_docx", _("Verslag als Word-bestand")
        MINUTES_PDF = "minutes_pdf", _("Verslag als PDF")
        REPORT_PDF = "report_pdf", _("Rapportage als PDF")
        REPORT_XLSX = "report_xlsx", _("Rapportage als Excel")
        MEMBER_LIST = "member_list", _("Ledenlijst")
        SUBSCRIBER_LIST = "subscriber_list", _("Abonneelijst nieuwsbrief")
        SURVEY_EXPORT = "survey_export", _("Antwoorden van een meetronde")
        REGISTRATION_EXPORT = "registration_export", _("Aanmeldingen van een activiteit (CSV)")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("wat"), max_length=30, choices=Kind.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    # What was read, in words, as it was called then (a meeting's date, a community's name).
    subject = models.CharField(_("onderwerp"), max_length=300, blank=True)
    programme_id = models.BigIntegerField(db_index=True)
    community_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("inzage")
        verbose_name_plural = _("inzagelogboek")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}#{self.object_id}"
