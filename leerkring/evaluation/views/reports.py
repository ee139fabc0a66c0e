"""Reports of a community and of a programme: the web page, the PDF and the XLSX.

A community's report is for its lead and facilitator and for the programme's coordinators and
evaluators; a programme's report for its coordinators and evaluators
(`permissions.can_view_…_report`). All three forms of a report come from the same data
(`evaluation.reports`) over the same period, given in the query string. The page shows the
report the task worker stored (`reports.report_stored`); the downloads use it when it is of
the current data and compute it otherwise.
"""

from __future__ import annotations

import zlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Programme
from leerkring.core import access_log, documents
from leerkring.surveys import results as survey_results
from leerkring.surveys.stored_results import community_rows_search

from .. import permissions, reports
from ..forms_reports import ReportPeriodForm, presets
from ..report_pdf import report_pdf
from ..report_xlsx import XLSX_CONTENT_TYPE, report_xlsx

# A stored report's rendering is kept this long (a deploy's new markup shows within it); raise
# the version when the report's templates change what they show (or how it is kept).
REPORT_PAGE_SECONDS = 60 * 60
REPORT_PAGE_VERSION = 3
# Where the page's template puts the kept rendering (`_page`): a comment no escaped text
# can contain.
BODY_PLACE = "<!--report-body-->"


def _community(request: HttpRequest, pk: int) -> Community:
    community = get_object_or_404(Community.objects.select_related("programme"), pk=pk)
    if not permissions.can_view_community_report(request.user, community):
        raise PermissionDenied
    return community


def _programme(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_programme_report(request.user, programme):
        raise PermissionDenied
    return programme


def _page(request: HttpRequest, subject, context: dict) -> HttpResponse:
    form = ReportPeriodForm(request.GET or None)
    period = form.period()
    stored = reports.report_stored(subject, period) if period else None
    context = {
        **context,
        "form": form,
        "period": period,
        "stored": stored,
        # Read and decoded only if the page renders it (or a test reads it).
        "report": SimpleLazyObject(lambda: stored.report) if stored and stored.has_report else None,
        "presets": [(key, label) for key, label, _period in presets()],
        "preset_key": form.preset_key,
    }
    body = _report_body(request, stored, context) if stored and stored.has_report else b""
    if body:
        context["report_body"] = mark_safe(BODY_PLACE)  # noqa: S308 - a constant
    response = render(request, "evaluation/report.html", context)
    if body:
        # The kept rendering goes into the page as the bytes it is kept as: decoded into the
        # page's text and encoded again it cost time in proportion to its size.
        response.content = response.content.replace(BODY_PLACE.encode(), body, 1)
    return response


def _report_body(request: HttpRequest, stored: reports.StoredView, context: dict) -> bytes:
    """The stored report as the page shows it, rendered once per computation and kept in the
    cache: a programme's table of communities and its charts cost more to render than
    everything else the page does, and they are the same for everyone who may see them.

    It is kept compressed: a programme's table of communities makes it 1.3 MB at five times
    national scale, and reading that from the cache on every request (base64 in the
    database's cache table) grew with the network; compressed it is some 60 KB. Returned as
    UTF-8, the page's encoding."""
    kept = cache.get(_report_body_key(stored))
    if kept is not None:
        return zlib.decompress(kept)
    if stored.report is None:  # read now: a computation stored meanwhile changes the key
        return b""  # removed meanwhile (unread for 30 days): no figures this once
    body = render_to_string("evaluation/partials/report_body.html", context, request).encode()
    cache.set(_report_body_key(stored), zlib.compress(body, 1), REPORT_PAGE_SECONDS)
    return body


def _report_body_key(stored: reports.StoredView) -> str:
    return f"evaluation:report-page:{REPORT_PAGE_VERSION}:{stored.key}"


def _download(request: HttpRequest, subject, page_url: str, fmt: str) -> HttpResponse:
    """A bad period sends the visitor back to the page, where the error is shown by its
    field."""
    form = ReportPeriodForm(request.GET or None)
    period = form.period()
    if period is None:
        return redirect(f"{page_url}?{request.GET.urlencode()}")
    report = reports.report_for_download(subject, period)
    is_community = isinstance(subject, Community)
    access_log.record(
        user=request.user,
        kind=access_log.Kind.REPORT_PDF if fmt == "pdf" else access_log.Kind.REPORT_XLSX,
        obj=subject,
        programme_id=subject.programme_id if is_community else subject.pk,
        community_id=subject.pk if is_community else None,
        subject=f"{subject.name}, {period.slug}",
    )
    name = f"rapportage-{slugify(report.community or report.programme)}-{period.slug}"
    if fmt == "pdf":
        response = HttpResponse(report_pdf(report), content_type=documents.PDF_CONTENT_TYPE)
    else:
        response = HttpResponse(report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def community_report(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    return _page(
        request,
        community,
        {
            "community": community,
            "programme": community.programme,
            "pdf_url": reverse("evaluation:community_report_pdf", args=[community.pk]),
            "xlsx_url": reverse("evaluation:community_report_xlsx", args=[community.pk]),
            "can_view_programme": community_permissions.can_view_programme(
                request.user, community.programme
            ),
            "can_view_programme_report": permissions.can_view_programme_report(
                request.user, community.programme
            ),
        },
    )


@login_required
def community_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    page = reverse("evaluation:community_report", args=[community.pk])
    return _download(request, community, page, "pdf")


@login_required
def community_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    community = _community(request, pk)
    page = reverse("evaluation:community_report", args=[community.pk])
    return _download(request, community, page, "xlsx")


@login_required
def programme_report(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    return _page(
        request,
        programme,
        {
            "programme": programme,
            "pdf_url": reverse("evaluation:programme_report_pdf", args=[programme.slug]),
            "xlsx_url": reverse("evaluation:programme_report_xlsx", args=[programme.slug]),
            "nav_section": "programme",
            "current_programme": programme,
        },
    )


@login_required
def programme_report_communities(request: HttpRequest, slug: str) -> HttpResponse:
    """Every line per community of the programme report the page shows, paged and searchable
    on the name, as the survey results' list per community: the page shows the first lines
    only. Read from the stored report, nothing computed; the same people as the page. A bad
    period, or a report still being computed, sends the visitor to the page, which says so."""
    programme = _programme(request, slug)
    page_url = reverse("evaluation:programme_report", args=[programme.slug])
    form = ReportPeriodForm(request.GET or None)
    period = form.period()
    stored = reports.report_stored(programme, period) if period else None
    data = stored.data if stored and stored.has_report else None
    if data is None:
        query = f"?{period.query}" if period else f"?{request.GET.urlencode()}"
        return redirect(f"{page_url}{query}")
    query = request.GET.get("q", "")[:200]
    lines = community_rows_search(
        reports.community_lines(data), query, name=lambda line: line.get("name", "")
    )
    paginator = Paginator(lines, survey_results.COMMUNITY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = reports.community_rows(list(page.object_list))
    return render(
        request,
        "evaluation/report_communities.html",
        {
            "programme": programme,
            "period": period,
            "stored": stored,
            "query": query,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "nav_section": "programme",
            "current_programme": programme,
        },
    )


@login_required
def programme_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    page = reverse("evaluation:programme_report", args=[programme.slug])
    return _download(request, programme, page, "pdf")


@login_required
def programme_report_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    page = reverse("evaluation:programme_report", args=[programme.slug])
    return _download(request, programme, page, "xlsx")
