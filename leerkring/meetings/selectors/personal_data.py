"""What the meetings app holds about one person, for their own download (core.personal_data).

Attendance and answers are recorded per membership; agreements name a membership as owner;
thread messages name their author. Text written by others is not included, except an
agreement's own text, which names the task the person took on.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Agreement, Attendance, CalendarFeed, Message, Rsvp, Thread


def _meeting(meeting) -> str:
    title = meeting.title or _("Bijeenkomst")
    return f"{title} ({meeting.community.name}, {meeting.starts_at:%Y-%m-%d})"


def personal_data(*, person, user) -> dict[str, list[dict]]:
    if person is None:
        return {}
    attendance = Attendance.objects.filter(membership__person=person).select_related(
        "meeting__community"
    )
    rsvps = Rsvp.objects.filter(membership__person=person).select_related("meeting__community")
    agreements = Agreement.objects.filter(owner__person=person).select_related("community")
    threads = Thread.objects.filter(started_by=person).select_related("community")
    messages = Message.objects.filter(author=person).select_related("thread__community")
    feed = CalendarFeed.objects.filter(person=person).first()
    return {
        _("Aanwezigheid"): [
            {
                _("bijeenkomst"): _meeting(row.meeting),
                _("aanwezigheid"): row.get_status_display(),
                _("vastgelegd op"): row.recorded_at.isoformat(),
            }
            for row in attendance.order_by("meeting__starts_at")
        ],
        _("Aan- en afmeldingen"): [
            {
                _("bijeenkomst"): _meeting(row.meeting),
                _("antwoord"): row.get_answer_display(),
                _("op"): row.answered_at.isoformat(),
            }
            for row in rsvps.order_by("answered_at")
        ],
        _("Afspraken op jouw naam"): [
            {
                _("gemeenschap"): row.community.name,
                _("afspraak"): row.text,
                _("uiterlijk"): row.due_date.isoformat() if row.due_date else None,
                _("status"): row.get_status_display(),
            }
            for row in agreements.order_by("created_at")
        ],
        _("Gesprekken die je begon"): [
            {
                _("gemeenschap"): row.community.name,
                _("onderwerp"): row.title,
                _("op"): row.created_at.isoformat(),
            }
            for row in threads.order_by("created_at")
        ],
        _("Berichten die je schreef"): [
            {
                _("gemeenschap"): row.thread.community.name,
                _("gesprek"): row.thread.title,
                _("op"): row.created_at.isoformat(),
                _("bericht"): row.body,
            }
            for row in messages.order_by("created_at")
        ],
        _("Agenda-abonnement"): (
            [{_("aangemaakt op"): feed.created_at.isoformat()}] if feed is not None else []
        ),
    }
