"""Survey results as stored once per release, and the parts of them a page or the API reads.

`results` computes a wave's results; this module keeps them (`StoredResults`, keyed on the
wave, its `results_version`, the community filter and the threshold; `StoredCommunity`, one row
per community for the filter) so that readers find them by the wave row they already hold,
with no count over the responses at any number of them. The results page reads only its own
cut of them (the programme-wide figures and the first communities of each list), and its
rendered content is kept in the cache under the same version: a release, a renamed or a
deleted community raises the version, and the next visitor sees the change at once
(docs/performance.md, "Five times national scale").
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from leerkring.communities import community_changes
from leerkring.communities.models import Community
from leerkring.communities.selectors import choices

from .models import (
    AgreementScale,
    Question,
    StoredCommunity,
    StoredResults,
    Wave,
)
from .results import (
    SHOWN_COMMUNITY_ROWS,
    GroupCount,
    QuestionResult,
    ResultRow,
    StatementResult,
    WaveResults,
    WaveResultsPage,
    group_threshold,
    no_community_label,
    other_communities_label,
    page_cut,
    wave_results,
)

# The results page's rendered content is kept this long (a deploy's new markup shows within
# it); raise the version when the content's template changes what it shows.
PAGE_CACHE_SECONDS = 60 * 60
PAGE_CACHE_VERSION = 2


def wave_results_stored(wave: Wave, *, community_id: int | None = None) -> WaveResults:
    """The results of `wave` as of its last release: read from `StoredResults` (one indexed
    row), computed and stored first when they are missing — the first read after a release
    the worker has not handled yet, or a community filter nobody asked for since.

    `wave.results_version` is the version the caller's wave row says; a wave released later in
    the same request has it raised by `ballots.wave_release`. The threshold is part of the
    key, so raising it takes effect at once. Raises `GroupHidden` like `wave_results`."""
    stored = _stored_value(wave, community_id=community_id, field="results")
    if stored is not None:
        return _from_stored(stored)
    return wave_results_store(wave, community_id=community_id)


def stored_results_key(wave: Wave, *, community_id: int | None = None) -> str:
    """Names the stored results of `wave` as they are now, for what is rendered from them and
    kept (the API's answer): the stored row's id, version and threshold, read from one indexed
    row without its figures; stored first when missing. The row is written anew whenever the
    figures change without a new version or threshold (a renamed or deleted community drops
    its programme's stored results) and rewritten in place only with another version or
    threshold, so nothing rendered from other figures is found under the key. Raises
    `GroupHidden` like `wave_results`."""
    threshold = group_threshold(wave.programme)
    pk = _stored_value(wave, community_id=community_id, field="pk", threshold=threshold)
    if pk is None:
        _stored_or_computed(wave, community_id=community_id)
        pk = _stored_value(wave, community_id=community_id, field="pk", threshold=threshold)
    return f"{pk}:{wave.results_version}:{threshold}"


def wave_results_page(wave: Wave, *, community_id: int | None = None) -> WaveResultsPage:
    """The results of `wave` as the results page shows them (`page_cut`), read from the stored
    results' `page`: one indexed row of a few kilobytes, whatever the number of communities
    (the full lists of a national wave are hundreds of kilobytes, read and walked on every
    request before). Computed and stored first when missing, as `wave_results_stored` does.
    Raises `GroupHidden` like `wave_results`."""
    stored = _stored_value(wave, community_id=community_id, field="page")
    page = _page_from_stored(stored) if stored is not None else None
    if page is not None:
        return page
    return _stored_or_computed(wave, community_id=community_id)[1]


def _stored_value(
    wave: Wave, *, community_id: int | None, field: str, threshold: int | None = None
) -> Any:
    """One column of the stored results of `wave` under the version its row says and the
    programme's threshold (`threshold` when the caller has it already), read from one indexed
    row; None when they are not stored (or the column is empty)."""
    if threshold is None:
        threshold = group_threshold(wave.programme)
    return (
        StoredResults.objects.filter(
            wave_id=wave.pk,
            community_id=community_id,
            version=wave.results_version,
            threshold=threshold,
        )
        .values_list(field, flat=True)
        .first()
    )


def community_group(wave: Wave, overall: WaveResultsPage, community_id: int) -> GroupCount | None:
    """The community `community_id` among the groups of `wave`'s responses per community
    (shown or hidden), or None when it has no responses in the wave: one indexed row of
    `StoredCommunity`, stored with `overall`, instead of the list of every community."""
    found = (
        StoredCommunity.objects.filter(
            wave_id=wave.pk,
            version=wave.results_version,
            threshold=overall.threshold,
            community_pk=community_id,
        )
        .values_list("name", "count", "hidden")
        .first()
    )
    if found is None:
        return None
    name, count, hidden = found
    return GroupCount(pk=community_id, name=name, count=count, hidden=hidden)


def filter_groups(
    wave: Wave, overall: WaveResultsPage, raw: object
) -> tuple[list[GroupCount], list[GroupCount]]:
    """The groups the community filter (`ResultsFilterForm`: `offered`, `hidden`) is built
    with for the value `raw` it was given, such that it takes and refuses exactly what the
    full lists make it take and refuse, with the same message: the first communities that may
    be shown (the list, or enough to know it is a search), and the one asked for, looked up."""
    offered = list(overall.offered_first)
    if raw == "None" and overall.unknown_hidden:  # the group without a key, hidden
        return offered, [GroupCount(pk=None, name=no_community_label(), count=0, hidden=True)]
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()):
        return offered, []
    key = int(raw)
    if key > choices.MAX_KEY or any(group.pk == key for group in offered):
        return offered, []
    found = community_group(wave, overall, key)
    if found is None:
        return offered, []
    return (offered, [found]) if found.hidden else ([*offered, found], [])


def offered_community(wave: Wave, overall: WaveResultsPage, raw: str) -> GroupCount | None:
    """The community `raw` names (as its key, written plainly) if its results may be shown on
    their own in `wave` (one of `WaveResults.offered`), else None."""
    offered, _hidden = filter_groups(wave, overall, raw)
    return next((group for group in offered if str(group.pk) == raw), None)


def wave_results_store(wave: Wave, *, community_id: int | None = None) -> WaveResults:
    """Compute the results of `wave` and store them under its current version (the task after
    a release, `wave_results_stored` when they are missing)."""
    return _stored_or_computed(wave, community_id=community_id)[0]


def _stored_or_computed(
    wave: Wave, *, community_id: int | None
) -> tuple[WaveResults, WaveResultsPage]:
    """The results of `wave` and their page, stored under its current version: read when
    stored (the page cut again when it was stored before the page was kept or with other
    limits), else computed and stored with the page and, for all communities, the communities
    that may be shown on their own (`StoredCommunity`).

    The wave row is locked while computing: a release waits (`_write_batch` locks it too), so
    the results stored are exactly those of the version stored with them, and a second reader
    asking at the same moment waits and then finds them instead of computing them again. Only
    the newest version is kept: storing all-community results drops every older row."""
    threshold = group_threshold(wave.programme)
    with transaction.atomic():
        version = (
            Wave.objects.select_for_update(no_key=True)
            .filter(pk=wave.pk)
            .values_list("results_version", flat=True)
            .get()
        )
        wave.results_version = version
        key = {
            "wave_id": wave.pk,
            "community_id": community_id,
            "version": version,
            "threshold": threshold,
        }
        stored = StoredResults.objects.filter(**key).values_list("results", "page").first()
        if stored is not None:
            outcome = _from_stored(stored[0])
            page = _page_from_stored(stored[1]) if stored[1] is not None else None
            if page is None:
                page = page_cut(outcome)
                StoredResults.objects.filter(**key).update(page=_page_as_stored(page))
                if community_id is None:
                    _communities_store(wave, version, threshold, outcome)
            return outcome, page
        outcome = wave_results(wave, community_id=community_id)
        page = page_cut(outcome)
        if community_id is None:
            StoredResults.objects.filter(wave_id=wave.pk).exclude(version=version).delete()
        StoredResults.objects.update_or_create(
            wave_id=wave.pk,
            community_id=community_id,
            defaults={
                "version": version,
                "threshold": threshold,
                "results": _as_stored(outcome),
                "page": _page_as_stored(page),
            },
        )
        if community_id is None:
            _communities_store(wave, version, threshold, outcome)
    return outcome, page


def _communities_store(wave: Wave, version: int, threshold: int, outcome: WaveResults) -> None:
    """Replace the wave's `StoredCommunity` rows by the groups of `outcome`."""
    StoredCommunity.objects.filter(wave_id=wave.pk).delete()
    StoredCommunity.objects.bulk_create(
        StoredCommunity(
            wave_id=wave.pk,
            version=version,
            threshold=threshold,
            community_pk=group.pk,
            name=group.name,
            count=group.count,
            hidden=group.hidden,
        )
        for group in outcome.groups
        if group.pk is not None
    )


def community_rows_search(rows: list, query: str, *, name: Callable[[Any], str]) -> list:
    """The rows whose community name contains `query` (case and accents as typed, ignoring
    case), in their order on the results page."""
    needle = query.strip().casefold()
    if not needle:
        return rows
    return [row for row in rows if needle in name(row).casefold()]


def page_cache_key(wave: Wave, *, community_id: int | None) -> str:
    """Where the results page keeps its rendered content (views/results.py): per release,
    threshold, language and community filter, and per title and dates of the wave, which can
    be edited after the answers came in. Found without reading anything."""
    shown = f"{wave.title}|{wave.opens_on}|{wave.closes_on}|{wave.programme.slug}"
    return (
        f"surveys:results-page:{PAGE_CACHE_VERSION}:{wave.pk}:{wave.results_version}:"
        f"{group_threshold(wave.programme)}:{translation.get_language()}:"
        f"{community_id or 'all'}:{hashlib.sha256(shown.encode()).hexdigest()[:16]}"
    )


def page_forget(wave: Wave, *, community_id: int | None = None) -> None:
    """Drop the rendered page (the benchmark measures the first visitor after a release so)."""
    cache.delete(page_cache_key(wave, community_id=community_id))


def wave_results_forget(wave: Wave) -> None:
    """Drop the stored results of `wave` (the benchmark measures their computation this way);
    the next reader computes them again."""
    StoredResults.objects.filter(wave_id=wave.pk).delete()
    StoredCommunity.objects.filter(wave_id=wave.pk).delete()


def _community_post_save(sender, instance: Community, raw: bool, **kwargs) -> None:
    """Stored results name the communities; a renamed one shows its new name at the next
    read, which computes the results of its programme's waves again. The old name is read with
    the community's other fields, once per save (`communities.community_changes`)."""
    if community_changes.renamed(instance):
        _programme_stored_delete(instance.programme_id)


def _community_post_delete(sender, instance: Community, **kwargs) -> None:
    """A deleted community's responses stay in their waves without a community (the
    "no community known" group), which changes the counts and what suppression hides: the
    next read computes the results of its programme's waves again."""
    _programme_stored_delete(instance.programme_id)


def _programme_stored_delete(programme_id: int) -> None:
    """Drop the programme's stored results and raise its waves' `results_version`: the
    rendered pages and API answers are kept under that version (`page_cache_key`), so the
    next visitor sees the new name or counts at once instead of when the cache expires."""
    StoredResults.objects.filter(wave__programme_id=programme_id).delete()
    StoredCommunity.objects.filter(wave__programme_id=programme_id).delete()
    Wave.objects.filter(programme_id=programme_id).update(results_version=F("results_version") + 1)


def connect() -> None:
    post_save.connect(_community_post_save, sender=Community, dispatch_uid="stored_results_post")
    post_delete.connect(
        _community_post_delete, sender=Community, dispatch_uid="stored_results_delete"
    )


def _as_stored(outcome: WaveResults) -> dict:
    return dataclasses.asdict(outcome)


def _page_as_stored(page: WaveResultsPage) -> dict:
    return {"limits": _page_limits(), **dataclasses.asdict(page)}


def _page_limits() -> list[int]:
    return [SHOWN_COMMUNITY_ROWS, choices.COMMUNITY_CHOICES_MAX]


def _page_from_stored(data: dict) -> WaveResultsPage | None:
    """The stored page, or None when it was cut with other limits than the page's now."""
    data = dict(data)
    if data.pop("limits", None) != _page_limits():
        return None
    page = _from_stored(data, kind=WaveResultsPage)
    page.offered_first = [GroupCount(**group) for group in data["offered_first"]]
    return page


def _from_stored(data: dict, *, kind: type[WaveResults] = WaveResults) -> WaveResults:
    """The stored results as `WaveResults` (or the page's `kind`). The few labels that are the
    application's own words, not the questionnaire's, are put in the reader's language here:
    the stored results were computed in whichever language the worker or the first reader
    had."""
    groups = [GroupCount(**group) for group in data["groups"]]
    for group in groups:
        if group.pk is None:
            group.name = no_community_label()
    questions = []
    for item in data["questions"]:
        question = QuestionResult(
            **{
                **item,
                "rows": [ResultRow(**row) for row in item["rows"]],
                "statements": [
                    StatementResult(
                        **{**statement, "cells": [ResultRow(**c) for c in statement["cells"]]}
                    )
                    for statement in item["statements"]
                ],
            }
        )
        if question.kind == Question.Kind.COMMUNITY:
            for row in question.rows:
                if not row.code:
                    row.label = other_communities_label()
        for statement in question.statements:
            for cell in statement.cells:
                cell.label = str(AgreementScale(int(cell.code)).label)
        questions.append(question)
    return kind(**{**data, "groups": groups, "questions": questions})
