"""Signals: bottlenecks a community passes on (DESIGN.md §3 "Signal and the venster").

This first version holds what the meeting wrap-up records; the venster builds the lifecycle
(states, themes, escalations, feedback) on top of it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerkring.communities.models import Community
from leerkring.meetings.models import Meeting
from leerkring.meetings.topics import SolutionLevel, TopicCategory


class Signal(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="signals")
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
    raised_on = models.DateField(_("datum"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["community", "raised_on"])]

    def __str__(self) -> str:
        return self.title
