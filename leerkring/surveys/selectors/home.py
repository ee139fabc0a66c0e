"""What the home page's "Wat nu" lists from surveys (issue "Task-first interface").

- The invitee: a survey they were invited to and that is not yet counted as answered. This
  reads only the invitation row's own `answered` flag, which exists anyway for the response
  rate and is set when a batch of answers is released (`surveys/ballots.py`), never from the
  answers. The line is built for the invitee alone, so nobody else learns from it who
  answered, and nothing new ties an answer to a person. Because `answered` moves only with a
  whole batch, the line may stay for a while after sending; the text says so.
- The evaluator: open waves of their programmes with the response rate so far.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from leerkring.communities.permissions import EVALUATOR, access_for
from leerkring.core.panels import Task, Urgency
from leerkring.surveys.models import Invitation, Wave

HOME_INVITATIONS = 3
HOME_WAVES = 5
CLOSING_SOON_DAYS = 7


def _closing(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def invitation_tasks(user, *, today: datetime.date | None = None) -> list[Task]:
    """The person's own unanswered invitations to open waves. One query."""
    person = access_for(user).person
    if person is None:
        return []
    today = today or timezone.localdate()
    invitations = (
        Invitation.objects.filter(
            person=person,
            answered=False,
            sent_at__isnull=False,
            wave__opens_on__lte=today,
            wave__closes_on__gte=today,
        )
        .select_related("wave__programme")
        .order_by("wave__closes_on", "pk")[:HOME_INVITATIONS]
    )
    return [
        Task(
            text=_(
                "Vragenlijst ‘%(title)s’ invullen via de link in je e-mail, open tot en met "
                "%(date)s (al ingevuld? Dan verdwijnt dit vanzelf)"
            )
            % {
                "title": invitation.wave.title,
                "date": formats.date_format(invitation.wave.closes_on, "j F"),
            },
            url=reverse("surveys:respond_form"),
            urgency=(
                Urgency.SOON
                if invitation.wave.closes_on - today <= datetime.timedelta(days=CLOSING_SOON_DAYS)
                else Urgency.WAITING
            ),
            when=_closing(invitation.wave.closes_on),
            where=invitation.wave.programme.name,
        )
        for invitation in invitations
    ]


def open_wave_tasks(user, *, today: datetime.date | None = None) -> list[Task]:
    """For an evaluator: open waves with invited and answered counts (the invitations'
    aggregate, as on the survey index). One query."""
    programmes = access_for(user).programmes_with(EVALUATOR)
    if not programmes:
        return []
    today = today or timezone.localdate()
    sent = Q(invitations__sent_at__isnull=False)
    waves = (
        Wave.objects.filter(programme_id__in=programmes, opens_on__lte=today, closes_on__gte=today)
        .select_related("programme")
        .annotate(
            invited=Count("invitations", filter=sent),
            answered=Count("invitations", filter=sent & Q(invitations__answered=True)),
        )
        .order_by("closes_on", "pk")[:HOME_WAVES]
    )
    tasks = []
    for wave in waves:
        if wave.invited:
            rate = (200 * wave.answered + wave.invited) // (2 * wave.invited)
            text = _(
                "Meetronde ‘%(title)s’ loopt tot en met %(date)s: %(rate)s%% respons "
                "(%(answered)s van %(invited)s)"
            )
        else:
            rate = 0
            text = _("Meetronde ‘%(title)s’ is open tot en met %(date)s, maar nog niet verstuurd")
        tasks.append(
            Task(
                text=text
                % {
                    "title": wave.title,
                    "date": formats.date_format(wave.closes_on, "j F"),
                    "rate": rate,
                    "answered": wave.answered,
                    "invited": wave.invited,
                },
                url=reverse("surveys:wave_detail", args=[wave.pk]),
                urgency=Urgency.WAITING,
                when=_closing(wave.closes_on),
                where=wave.programme.name,
            )
        )
    return tasks


def home_tasks(user) -> list[Task]:
    return [*invitation_tasks(user), *open_wave_tasks(user)]
