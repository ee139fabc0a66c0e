"""Reports computed by the task worker and served from storage.

A programme report at national scale reads every community's meetings, signals and monitor:
seconds, and more as the network grows. So the page never builds one. It shows the report
stored for the subject, the period and the language (`StoredReport`), with the time it was
computed, and when the data changed since — a new data version, or a new day, because the
monitor and "today" move — it queues one computation (`report_compute`) and says that newer
figures follow. A period nobody asked for before shows a message while its first
computation runs; the page polls until the report is there. A computation stores the whole
report in one write, so a page shows either the previous report or the new one, never part.

The data version is the newest row of the audit log and of the tables a report reads that
change without an audit event (signal history and answers, survey responses,
disseminations, stories), in one query of index look-ups: every change made through a
service makes a new version. The PDF and XLSX use the stored report when it is of the
current version, and otherwise compute it on the spot and store it.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from leerkring.communities.models import Community, Programme
from leerkring.core.models import AuditEvent
from leerkring.dissemination.models import Dissemination
from leerkring.evaluation import datacache
from leerkring.evaluation.models import ChangeStory, StoredReport
from leerkring.signalling.models import SignalEvent, SignalResponse
from leerkring.surveys.models import Response

from .compose import community_report, programme_report
from .data import Period, Report

# A computation queued this long ago without a result is taken for lost and queued again.
REQUEUE_AFTER = datetime.timedelta(minutes=10)
# A stored report nobody asked for again in this long is removed: periods are free to
# choose, so old ones would pile up.
KEEP = datetime.timedelta(days=30)


def data_version() -> str:
    """The newest row of the audit log and of the tables a report reads that change without an
    audit event (signal history and answers, survey responses, disseminations, stories), in
    one query of index look-ups."""
    return datacache.data_version(
        (AuditEvent, SignalEvent, SignalResponse, Response, Dissemination, ChangeStory)
    )


def current_version() -> str:
    """The version a report computed now would have: the data version and the day."""
    return f"{data_version()}:{timezone.localdate().isoformat()}"


@dataclass
class StoredView:
    """What the report page shows: the stored report (None while the first computation of
    this period runs), when it was computed, and whether it is of the current data. The
    report is decoded only when read: a page that kept its rendering does not need it."""

    data: dict | None
    computed_at: datetime.datetime | None
    is_current: bool
    # Which computation this is (the stored row and its time): the page keeps its rendering.
    key: str = ""

    @property
    def is_preparing(self) -> bool:
        return self.data is None

    @functools.cached_property
    def report(self) -> Report | None:
        return None if self.data is None else _decode(Report, self.data)


def _kind(subject: Any) -> str:
    return (
        StoredReport.Kind.COMMUNITY
        if isinstance(subject, Community)
        else StoredReport.Kind.PROGRAMME
    )


def _key(subject: Any, period: Period, language: str) -> dict[str, Any]:
    return {
        "kind": _kind(subject),
        "subject_id": subject.pk,
        "period_start": period.start,
        "period_end": period.end,
        "language": language,
    }


def report_stored(subject: Any, period: Period) -> StoredView:
    """The stored report of `subject` over `period` in the reader's language; queues its
    computation when there is none yet or the data changed since. Two queries when nothing
    changed (the data version and the stored row)."""
    language = translation.get_language()
    key = _key(subject, period, language)
    version = current_version()
    row = StoredReport.objects.filter(**key).first()
    if (row is None or row.version != version) and _queue(key, version):
        # A backend that runs tasks at once (tests, development) has stored it already.
        row = StoredReport.objects.filter(**key).first()
    if row is None or row.report is None:
        return StoredView(data=None, computed_at=None, is_current=False)
    return StoredView(
        data=row.report,
        computed_at=row.computed_at,
        is_current=row.version == version,
        key=f"{row.pk}:{row.computed_at.timestamp() if row.computed_at else 0}:{row.language}",
    )


def report_for_download(subject: Any, period: Period) -> Report:
    """The report a PDF or XLSX is made of: the stored one when it is of the current data,
    else computed now (and stored, so the page shows it too)."""
    key = _key(subject, period, translation.get_language())
    row = StoredReport.objects.filter(**key, version=current_version()).first()
    if row is not None and row.report is not None:
        return _decode(Report, row.report)
    return report_store(subject, period)


def report_store(subject: Any, period: Period) -> Report:
    """Compute the report of `subject` over `period` in the current language and store it
    (the task, and a download of data the worker has not handled yet). The version is read
    before building, so a change made meanwhile still queues the next computation."""
    version = current_version()
    build = community_report if isinstance(subject, Community) else programme_report
    report = build(subject, period)
    key = _key(subject, period, translation.get_language())
    for _attempt in range(2):  # a concurrent first computation may insert the row first
        try:
            with transaction.atomic():
                StoredReport.objects.update_or_create(
                    **key,
                    defaults={
                        "version": version,
                        "report": dataclasses.asdict(report),
                        "computed_at": timezone.now(),
                    },
                )
            break
        except IntegrityError:
            continue
    cutoff = timezone.now() - KEEP
    StoredReport.objects.filter(
        Q(computed_at__lt=cutoff) | Q(computed_at__isnull=True, queued_at__lt=cutoff)
    ).delete()
    return report


def report_compute_for(*, kind: str, subject_id: int, start: str, end: str, language: str) -> bool:
    """The task's work: the subject may be gone by now, then nothing is stored."""
    model = Community if kind == StoredReport.Kind.COMMUNITY else Programme
    subject = model.objects.filter(pk=subject_id).first()
    if subject is None:
        return False
    period = Period(start=datetime.date.fromisoformat(start), end=datetime.date.fromisoformat(end))
    with translation.override(language):
        report_store(subject, period)
    return True


def report_forget(subject: Any, period: Period) -> None:
    """Drop the stored report in every language (the benchmark measures a computation so)."""
    key = _key(subject, period, "")
    del key["language"]
    StoredReport.objects.filter(**key).delete()


def _queue(key: dict[str, Any], version: str) -> bool:
    """Mark the computation of `version` as asked for and queue it, unless it already is
    (and was asked for recently). Returns whether it was queued now."""
    from leerkring.evaluation.tasks import report_compute  # the task module imports this one

    now = timezone.now()
    with transaction.atomic():
        row = StoredReport.objects.select_for_update().filter(**key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = StoredReport.objects.create(**key)
            except IntegrityError:  # another reader created it a moment ago
                row = StoredReport.objects.select_for_update().get(**key)
        if (
            row.queued_version == version
            and row.queued_at is not None
            and row.queued_at > now - REQUEUE_AFTER
        ):
            return False
        row.queued_version, row.queued_at = version, now
        row.save(update_fields=["queued_version", "queued_at"])
    report_compute.enqueue(
        kind=key["kind"],
        subject_id=key["subject_id"],
        start=key["period_start"].isoformat(),
        end=key["period_end"].isoformat(),
        language=key["language"],
    )
    return True


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: Any) -> Any:
    """A stored (JSON) value back as the report's dataclasses, dates and lists, following
    the dataclasses' type hints."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decode(inner, value)
    if origin is list:
        (inner,) = typing.get_args(hint)
        return [_decode(inner, item) for item in value]
    if origin is dict:
        return dict(value)
    if dataclasses.is_dataclass(hint):
        hints = _type_hints(hint)
        return hint(
            **{
                f.name: _decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(hint)
                if f.name in value
            }
        )
    if hint is datetime.date:
        return datetime.date.fromisoformat(value)
    return value
