"""The minutes (verslag) of a meeting: written in Markdown by the lead or facilitator, shown
sanitised to members, sent round on request and downloadable as DOCX and PDF (members only:
minutes are what is said in the community, DESIGN.md §2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.core import access_log, documents
from leerkring.core.confirm import confirm_page, confirmation_needed
from leerkring.core.markdown import render_markdown

from .. import exports, permissions, selectors, services
from ..forms_outcomes import MinutesForm
from ..models import Meeting


def _meeting(request: HttpRequest, pk: int, check) -> Meeting:
    meeting = get_object_or_404(selectors.meeting_with_context(), pk=pk)
    if not check(request.user, meeting):
        raise PermissionDenied
    return meeting


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit with a preview: the "preview" button renders the sanitised result without
    saving, so the page works without JavaScript."""
    meeting = _meeting(request, pk, permissions.can_edit_minutes)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    preview = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["minutes"]
        if "preview" in request.POST:
            preview = render_markdown(text, heading_offset=1)
        else:
            services.minutes_save(meeting=meeting, minutes=text, by=request.user)
            messages.success(request, _("Het verslag is opgeslagen."))
            return redirect("meetings:minutes", meeting.pk)
    return render(
        request,
        "meetings/minutes_edit.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "form": form,
            "preview": preview,
            "nav_section": "community",
        },
    )


@login_required
@require_POST
def minutes_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, permissions.can_edit_minutes)
    if confirmation_needed(request):
        count = selectors.meeting_mail_recipients(meeting=meeting).count()
        details = []
        if meeting.minutes_sent_at:
            details.append(
                _("Het verslag is al eerder rondgestuurd; de leden krijgen het dan nog een keer.")
            )
        return confirm_page(
            request,
            title=_("Verslag rondsturen"),
            message=ngettext(
                "%(count)s lid krijgt het verslag per e-mail.",
                "%(count)s leden krijgen het verslag per e-mail.",
                count,
            )
            % {"count": count},
            details=details,
            action=_("Ja, verslag rondsturen"),
            back_url=reverse("meetings:minutes", args=[meeting.pk]),
            context={"community": meeting.community, "nav_section": "community"},
        )
    try:
        count = services.minutes_send(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Het verslag wordt naar %(count)d lid verstuurd.",
                "Het verslag wordt naar %(count)d leden verstuurd.",
                count,
            )
            % {"count": count},
        )
    return redirect("meetings:minutes", meeting.pk)


def _filename(meeting: Meeting, extension: str) -> str:
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"verslag-{slugify(meeting.community.name)}-{day}.{extension}"


def _record_export(request: HttpRequest, meeting: Meeting, kind: str) -> None:
    """Minutes name members and what they said: who took them out is kept."""
    access_log.record(
        user=request.user,
        kind=kind,
        obj=meeting,
        programme_id=meeting.community.programme_id,
        community_id=meeting.community_id,
        subject=f"{meeting.community.name}, {timezone.localtime(meeting.starts_at):%d-%m-%Y}",
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, permissions.can_view_meeting)
    _record_export(request, meeting, access_log.Kind.MINUTES_DOCX)
    context = selectors.minutes_export_context(meeting=meeting, user=request.user)
    content = exports.minutes_docx(context)
    return _download(content, exports.DOCX_CONTENT_TYPE, _filename(meeting, "docx"))


@login_required
@require_http_methods(["GET", "HEAD"])
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, permissions.can_view_meeting)
    _record_export(request, meeting, access_log.Kind.MINUTES_PDF)
    context = selectors.minutes_export_context(meeting=meeting, user=request.user)
    content = exports.minutes_pdf(context)
    return _download(content, documents.PDF_CONTENT_TYPE, _filename(meeting, "pdf"))
