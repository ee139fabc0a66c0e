"""The venster in and out of a spreadsheet (issue "Het venster" §7): import an existing venster
sheet in steps (upload, map columns and preview, check, commit all or nothing), and export the
current filtered view. The rules live in `signalling.excel`; these views only walk the steps.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerkring.core import access_log

from .. import excel, permissions, selectors
from ..forms_transfer import MappingForm, UploadForm
from ..forms_venster import VensterFilterForm
from ..models import SignalTheme
from ._venster_common import programme_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_context(programme, **extra) -> dict:
    return {
        "programme": programme,
        "can_manage": True,
        "venster_tab": "venster",
        "crumb_title": _("Signalen importeren"),
        **extra,
    }


@login_required
def signal_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1: choose the file."""
    programme = programme_or_404(slug)
    if not permissions.can_import_signals(request.user, programme):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            token = excel.upload_store(
                uploaded=form.cleaned_data["file"], programme=programme, by=request.user
            )
        except excel.ImportFileError as error:
            form.add_error("file", str(error))
            form.full_clean_aria()
        else:
            return redirect("signalling:venster_import_map", slug=programme.slug, token=token)
    return render(request, "signalling/import.html", _import_context(programme, form=form))


@login_required
def signal_import_map(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Steps 2-4: map the columns and see the first rows; check every row and see the preview
    (new, changed field by field, unchanged, problems); confirm to save all or nothing. The
    confirmation holds only for the preview kept beside the upload: other columns, or a signal
    changed since, show the new preview instead."""
    programme = programme_or_404(slug)
    if not permissions.can_import_signals(request.user, programme):
        raise PermissionDenied
    try:
        sheet = excel.upload_read(token=token, programme=programme, by=request.user)
    except excel.ImportFileError as error:
        messages.error(request, str(error))
        return redirect("signalling:venster_import", slug=programme.slug)
    form = MappingForm(
        request.POST or None,
        headings=sheet.headings,
        initial_mapping=excel.guess_mapping(sheet.headings),
    )
    check = None
    notice = ""
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        kept = excel.preview_kept(
            token=token, programme=programme, by=request.user, mapping=mapping
        )
        if request.POST.get("confirm") and kept is None:
            notice = _("Bekijk eerst het overzicht van de wijzigingen; bevestig daarna.")
        elif request.POST.get("confirm"):
            saved, check = excel.import_commit(
                sheet=sheet, mapping=mapping, programme=programme, by=request.user, versions=kept
            )
            if saved:
                excel.upload_remove(token)
                messages.success(request, _saved_message(len(check.rows), len(check.changes)))
                return redirect("signalling:venster", slug=programme.slug)
            if check.stale:
                notice = ngettext(
                    "Signaal %(numbers)s is gewijzigd sinds je het overzicht bekeek. Er is "
                    "niets opgeslagen; bekijk het nieuwe overzicht en bevestig opnieuw.",
                    "De signalen %(numbers)s zijn gewijzigd sinds je het overzicht bekeek. Er is "
                    "niets opgeslagen; bekijk het nieuwe overzicht en bevestig opnieuw.",
                    len(check.stale),
                ) % {"numbers": ", ".join(str(n) for n in check.stale)}
                check = None
        if check is None:
            check = excel.import_check(sheet=sheet, mapping=mapping, programme=programme)
        if check.ok:
            excel.preview_keep(
                token=token,
                programme=programme,
                by=request.user,
                mapping=mapping,
                versions=check.versions,
            )
    context = _import_context(
        programme,
        form=form,
        sheet=sheet,
        preview=sheet.rows[: excel.PREVIEW_ROWS],
        check=check,
        notice=notice,
        existing_themes=SignalTheme.objects.filter(programme=programme).exists(),
    )
    return render(request, "signalling/import_map.html", context)


def _saved_message(created: int, changed: int) -> str:
    parts = []
    if created:
        parts.append(
            ngettext(
                "%(count)s nieuw signaal is geïmporteerd.",
                "%(count)s nieuwe signalen zijn geïmporteerd.",
                created,
            )
            % {"count": created}
        )
    if changed:
        parts.append(
            ngettext(
                "%(count)s signaal is bijgewerkt.", "%(count)s signalen zijn bijgewerkt.", changed
            )
            % {"count": changed}
        )
    return " ".join(parts)


@login_required
def venster_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The venster's current view (the same filters in the query string) as XLSX."""
    programme = programme_or_404(slug)
    if not permissions.can_export_venster(request.user, programme):
        raise PermissionDenied
    form = VensterFilterForm.for_programme(request.GET, programme=programme)
    filters = form.filters()
    sort = filters.pop("sort", "")
    by_theme = filters.pop("view", "") == "themes"
    signals = selectors.venster_signals(
        programme=programme, sort=sort, group_by_theme=by_theme, **filters
    )
    answers = selectors.export_answers(signals=signals)
    access_log.record(
        user=request.user,
        kind=access_log.Kind.VENSTER_EXPORT,
        obj=programme,
        programme_id=programme.pk,
        subject=programme.name,
    )
    response = HttpResponse(content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="venster-{slugify(programme.slug)}-{stamp}.xlsx"'
    )
    excel.export_workbook(signals.iterator(chunk_size=2000), answers, response)
    return response
