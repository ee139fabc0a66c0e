"""Results of a wave, the comparison between waves, and the exports.

For the programme's evaluators and coordinators (`permissions.can_view_results`). What may be
shown — and what must stay hidden because the group is too small — is decided in
`results.py`; the views only pass the visitor's choice through it.
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from leerkring.communities.models import Programme
from leerkring.core import access_log

from .. import ballots, exports, permissions, results, selectors, services, stored_results
from ..comparison import comparison_question_codes, wave_comparison
from ..forms_results import CompareForm, results_filter_form
from ..models import Wave


def _wave_for(request: HttpRequest, pk: int) -> Wave:
    """The wave, after the last batch of a closed wave was released: results and exports
    never show waiting answers, and a closed wave's last answers do not wait for the daily
    command (surveys/ballots.py)."""
    wave = get_object_or_404(selectors.wave_for_results(), pk=pk)
    if not permissions.can_view_results(request.user, wave):
        raise PermissionDenied
    if services.wave_answering_state(wave) == "closed" and ballots.wave_has_pending(wave):
        ballots.wave_release(wave=wave)
    return wave


@login_required
def wave_results(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave_for(request, pk)
    frame = {"wave": wave, "programme": wave.programme, "nav_section": "programmes"}
    unfiltered = "community" not in request.GET
    if unfiltered:
        # The unfiltered page of this release as rendered before (`_body`) needs nothing else:
        # not the stored results, whose communities (2,250 at five times national scale) were
        # decoded, built into objects and made into the filter's choices on every visit.
        kept = cache.get(stored_results.page_cache_key(wave, community_id=None))
        if kept is not None:
            body = mark_safe(kept)  # noqa: S308 - rendered by our own template, escaped there
            return render(request, "surveys/results.html", {**frame, "body": body})
    # The page's part of the stored results: the same few kilobytes at any number of
    # communities (`results.page_cut`), where the full results list every one of them.
    overall = stored_results.wave_results_page(wave)
    form = results_filter_form(wave, overall, request.GET if "community" in request.GET else None)
    shown: results.WaveResults | None = overall
    if form.is_bound:
        if not form.is_valid():
            shown = None
        elif form.cleaned_data["community"] is not None:
            try:
                shown = stored_results.wave_results_page(
                    wave, community_id=form.cleaned_data["community"]
                )
            except results.GroupHidden:
                shown = None
    context = {**frame, "overall": overall, "shown": shown, "form": form}
    body = _body(request, context, known_missing=unfiltered)
    return render(request, "surveys/results.html", {**context, "body": body})


@login_required
def wave_results_communities(request: HttpRequest, pk: int) -> HttpResponse:
    """The full per-community list of a wave's results, paged and searchable on the name: the
    responses per community, or with `question` the answers to a "which community" question
    (of all responses, or of one community with `community`). The results page shows only
    the first communities of each and links here; a community that may be shown on its own
    links back to the results page filtered on it (the filter of large programmes)."""
    wave = _wave_for(request, pk)
    overall = stored_results.wave_results_stored(wave)
    query = request.GET.get("q", "")[:200]
    question = None
    shown = overall
    if request.GET.get("question"):
        raw_community = request.GET.get("community", "")
        if raw_community:
            match = next((g for g in overall.offered if str(g.pk) == raw_community), None)
            if match is None:
                raise Http404
            try:
                shown = stored_results.wave_results_stored(wave, community_id=match.pk)
            except results.GroupHidden:  # hidden by a release since `offered` was read
                raise Http404 from None
        question = shown.question(request.GET["question"])
        if question is None or question.kind != "community" or question.hidden:
            raise Http404
        rows = stored_results.community_rows_search(
            question.rows, query, name=lambda row: row.label
        )
    else:
        rows = stored_results.community_rows_search(
            overall.groups, query, name=lambda group: group.name
        )
    paginator = Paginator(rows, results.COMMUNITY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    offered = {g.pk for g in overall.offered}
    return render(
        request,
        "surveys/results_communities.html",
        {
            "wave": wave,
            "programme": wave.programme,
            "overall": overall,
            "shown": shown,
            "question": question,
            "query": query,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "offered": offered,
            "nav_section": "programmes",
        },
    )


def results_page_prerender(wave: Wave) -> None:
    """Render the unfiltered page's content for its first visitor after a release (the task
    that stores the results runs this next), in the active language."""
    overall = stored_results.wave_results_page(wave)
    context = {
        "wave": wave,
        "programme": wave.programme,
        "overall": overall,
        "shown": overall,
        "form": results_filter_form(wave, overall, None),
    }
    cache.set(
        stored_results.page_cache_key(wave, community_id=None),
        render_to_string("surveys/partials/results_body.html", context),
        stored_results.PAGE_CACHE_SECONDS,
    )


def _body(request: HttpRequest, context: dict, *, known_missing: bool = False) -> str:
    """The page's content, rendered once per release and kept in the cache: at national scale
    it is a table of every community (twice) and a choice of each, and rendering that costs
    more than everything else the page does. It is the same for every visitor who may see the
    results; a filter that failed is rendered each time (its error is the visitor's own).
    `known_missing`: the caller has just found it missing from the cache."""
    shown = context["shown"]
    if shown is None:
        return render_to_string("surveys/partials/results_body.html", context, request)
    key = stored_results.page_cache_key(context["wave"], community_id=shown.community_pk)
    body = None if known_missing else cache.get(key)
    if body is None:
        body = render_to_string("surveys/partials/results_body.html", context, request)
        cache.set(key, body, stored_results.PAGE_CACHE_SECONDS)
    return mark_safe(body)  # noqa: S308 - rendered by our own template, escaped there


def _export_community(request: HttpRequest, wave: Wave) -> int | None:
    """The community an export is limited to, if any; only one the results page may show."""
    raw = request.GET.get("community")
    if not raw:
        return None
    match = stored_results.offered_community(wave, stored_results.wave_results_page(wave), raw)
    if match is None:
        raise Http404
    return match.pk


def _export_refused(request: HttpRequest, wave: Wave) -> HttpResponse | None:
    overall = stored_results.wave_results_page(wave)
    if overall.total_hidden:
        messages.error(
            request,
            _(
                "Deze meetronde heeft te weinig antwoorden om te exporteren (minder dan "
                "%(threshold)s)."
            )
            % {"threshold": overall.threshold},
        )
        return redirect("surveys:results", pk=wave.pk)
    return None


def _record_export(request: HttpRequest, wave: Wave, fmt: str) -> None:
    access_log.record(
        user=request.user,
        kind=access_log.Kind.SURVEY_EXPORT,
        obj=wave,
        programme_id=wave.programme_id,
        subject=f"{wave.title} ({fmt})",
    )


def _filename(wave: Wave, suffix: str) -> str:
    return f"{slugify(wave.title) or 'meetronde'}-{wave.pk}-{suffix}"


@login_required
def wave_export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave_for(request, pk)
    refused = _export_refused(request, wave)
    if refused:
        return refused
    community_id = _export_community(request, wave)
    services.wave_export_record(wave=wave, by=request.user, export_format="csv",
                                community_id=community_id)  # fmt: skip
    _record_export(request, wave, "csv")
    layout = exports.export_layout(wave)
    response = StreamingHttpResponse(
        exports.csv_lines(exports.export_rows(layout, community_id=community_id)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave, "antwoorden.csv")}"'
    return response


@login_required
def wave_codebook_csv(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave_for(request, pk)
    layout = exports.export_layout(wave)
    response = StreamingHttpResponse(
        exports.csv_lines(exports.codebook_rows(layout)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave, "codeboek.csv")}"'
    return response


@login_required
def wave_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave_for(request, pk)
    refused = _export_refused(request, wave)
    if refused:
        return refused
    community_id = _export_community(request, wave)
    services.wave_export_record(wave=wave, by=request.user, export_format="xlsx",
                                community_id=community_id)  # fmt: skip
    _record_export(request, wave, "xlsx")
    # Written to a temporary file (write-only mode keeps memory flat) and streamed from
    # there; the file disappears when the response closes it.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    exports.xlsx_write(exports.export_layout(wave), target, community_id=community_id)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=_filename(wave, "antwoorden.xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def wave_compare(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("rule_profile"), slug=slug)
    if not permissions.can_view_surveys(request.user, programme):
        raise PermissionDenied
    waves = selectors.waves_for_comparison(programme)
    form = CompareForm(
        request.GET if "question" in request.GET else None,
        questions=comparison_question_codes(waves),
        waves=waves,
    )
    comparison = None
    if form.is_bound and form.is_valid():
        chosen = [w for w in waves if w.pk in set(form.cleaned_data["waves"])]
        comparison = wave_comparison(chosen, form.cleaned_data["question"])
    return render(
        request,
        "surveys/compare.html",
        {
            "programme": programme,
            "form": form,
            "comparison": comparison,
            "has_waves": len(waves) >= 2,
            "threshold": results.group_threshold(programme),
            "nav_section": "programmes",
        },
    )
