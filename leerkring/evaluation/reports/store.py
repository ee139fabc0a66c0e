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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone, translation

from leerkring.communities.models import Community, Programme
from leerkring.core.models import AuditEvent
from leerkring.dissemination.models import Dissemination
from leerkring.evaluation import datacache
from leerkring.evaluation.models import ChangeStory, StoredReport
from leerkring.signalling.models import SignalEvent, SignalResponse
from leerkring.surveys.models import Response

from .compose import community_report, programme_report
from .data import CommunityRow, Period, Report

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
    """What the report page shows: the stored report (none while the first computation of
    this period runs), when it was computed, and whether it is of the current data. The
    stored report itself is read and decoded only when asked for: a page that kept its
    rendering does not need it, and at national scale it is hundreds of kilobytes (a line
    per community) that would be read and parsed on every request."""

    computed_at: datetime.datetime | None
    is_current: bool
    has_report: bool = False
    # Which computation this is (the stored row and its time): the page keeps its rendering.
    key: str = ""
    pk: int | None = None
    # The version a computation now would have, when the row was read.
    current: str = ""

    @property
    def is_preparing(self) -> bool:
        return not self.has_report

    @functools.cached_property
    def data(self) -> dict | None:
        """The stored report as JSON, read now: one query by primary key. A computation stored
        since this view was read replaces what it says (its time and key), so the key always
        names the report read."""
        if not self.has_report:
            return None
        row = (
            StoredReport.objects.filter(pk=self.pk)
            .values("report", "computed_at", "language", "version")
            .first()
        )
        if row is None or row["report"] is None:
            return None
        if row["computed_at"] != self.computed_at:
            self.is_current = row["version"] == self.current
            self.computed_at = row["computed_at"]
            self.key = _view_key(self.pk, row["computed_at"], row["language"])
        return row["report"]

    @functools.cached_property
    def report(self) -> Report | None:
        data = self.data
        return None if data is None else _decode(Report, data)


def community_lines(data: dict) -> list[dict]:
    """A stored programme report's lines per community as stored (JSON), in the report's
    order: the paged list decodes only the lines of its page (`community_rows`)."""
    return data.get("communities") or []


def community_rows(lines: list[dict]) -> list[CommunityRow]:
    return _decode(list[CommunityRow], lines)


def _view_key(pk: int, computed_at: datetime.datetime | None, language: str) -> str:
    return f"{pk}:{computed_at.timestamp() if computed_at else 0}:{language}"


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
    row = _stored_row(key)
    if (row is None or row["version"] != version) and _queue(key, version):
        # A backend that runs tasks at once (tests, development) has stored it already.
        row = _stored_row(key)
    if row is None or not row["has_report"]:
        return StoredView(computed_at=None, is_current=False)
    return StoredView(
        computed_at=row["computed_at"],
        is_current=row["version"] == version,
        has_report=True,
        key=_view_key(row["pk"], row["computed_at"], row["language"]),
        pk=row["pk"],
        current=version,
    )


def _stored_row(key: dict[str, Any]) -> dict[str, Any] | None:
    """The stored row's version and time without the report itself (`StoredView.data`)."""
    return (
        StoredReport.objects.filter(**key)
        .annotate(
            has_report=ExpressionWrapper(Q(report__isnull=False), output_field=BooleanField())
        )
        .values("pk", "version", "computed_at", "language", "has_report")
        .first()
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


def _decode(hint: Any, value: Any) -> Any:
    """A stored (JSON) value back as the report's dataclasses, dates and lists, following
    the dataclasses' type hints."""
    return _decoder(hint)(value)


def _as_is(value: Any) -> Any:
    return value


@functools.cache
def _decoder(hint: Any) -> Callable[[Any], Any]:
    """The function that decodes a stored value of type `hint`, worked out once per type: a
    programme report holds a line per community (2,250 at five times national scale), and
    following the type hints anew for every value cost more than reading the report."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decoder(inner)
    if origin is list:
        (inner,) = typing.get_args(hint)
        item = _decoder(inner)
        return lambda value: None if value is None else [item(each) for each in value]
    if origin is dict:
        return lambda value: None if value is None else dict(value)
    if dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if hint is datetime.date:
        return lambda value: None if value is None else datetime.date.fromisoformat(value)
    return _as_is


def _dataclass_decoder(cls: type) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls)]
    names = {name for name, _field in fields}
    if all(field is _as_is for _name, field in fields):
        # Plain values only (a line per community): the stored dict is the arguments, unless
        # it holds a field the dataclass no longer has.
        def plain(value: Any) -> Any:
            if value is None:
                return None
            if value.keys() <= names:
                return cls(**value)
            return cls(**{name: value[name] for name in names if name in value})

        return plain

    def decode(value: Any) -> Any:
        if value is None:
            return None
        return cls(**{name: field(value[name]) for name, field in fields if name in value})

    return decode
