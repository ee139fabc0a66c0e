"""Who registered for an event and who came, for its organisers: the list a page at a time
(searched by name or organisation, or one status) with the attendance of that page, and the
whole list as a CSV file (`exports`), each download kept in the access log. Names and
organisations, never addresses (DESIGN.md §2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from leerkring.core import access_log, id_lists
from leerkring.core.paging import KnownCountPaginator

from .. import exports, permissions, selectors, services
from ..forms import AttendanceForm, RegistrationSearchForm
from ..models import Registration
from .event import event_or_denied

REGISTRATIONS_PER_PAGE = 50


def _page_sent(request: HttpRequest, form: AttendanceForm, page) -> bool:
    """Whether the ticks of the page's seats came with the form (`shown`). Without them
    nothing of the page would change while the page says it was saved: refused instead."""
    has_seats = any(r.status == Registration.Status.CONFIRMED for r in page.object_list)
    if not has_seats or request.POST.getlist("shown"):
        return True
    form.add_error(
        None,
        _(
            "De aanwezigheid van deze pagina kwam niet mee; er is niets opgeslagen. "
            "Laad de pagina opnieuw en probeer het nog eens."
        ),
    )
    return False


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    """A page of who registered and, once it started, who came. Ticking attendance changes the
    registrations of the page that was sent only."""
    event = event_or_denied(request, pk, permissions.can_manage_event)
    search_form = RegistrationSearchForm(request.GET)
    filters = search_form.filters()
    # Told its count when the list is not filtered: the event keeps its seats and waiting
    # list (`selectors.registrations_listed_count`).
    paginator = KnownCountPaginator(
        selectors.registrations_for_organisers(event=event, **filters),
        REGISTRATIONS_PER_PAGE,
        count=None if filters else selectors.registrations_listed_count(event=event),
    )
    page = paginator.get_page(request.GET.get("page"))
    form = AttendanceForm(
        request.POST or None, initial={"extra_attendance": event.extra_attendance}
    )
    started = event.starts_at <= timezone.now()
    if request.method == "POST" and form.is_valid() and _page_sent(request, form, page):
        try:
            counts = services.attendance_record(
                event=event,
                present=set(id_lists.keys(request.POST.getlist("present"))),
                shown=set(id_lists.keys(request.POST.getlist("shown"))),
                extra=form.cleaned_data["extra_attendance"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Aanwezigheid opgeslagen: %(present)s aangemeld en aanwezig, %(extra)s zonder aanmelding."
                )
                % counts,
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "programme": event.programme,
            "registrations": list(page.object_list),
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "search_form": search_form,
            "filtered": bool(filters),
            "seats": selectors.seats(event),
            "form": form,
            "started": started,
            "nav_section": "programme",
            "current_programme": event.programme,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def event_registrations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every registration of the event at once, for the organisers' own lists."""
    event = event_or_denied(request, pk, permissions.can_manage_event)
    access_log.record(
        user=request.user,
        kind=access_log.Kind.REGISTRATION_EXPORT,
        obj=event,
        programme_id=event.programme_id,
        subject=event.title,
    )
    response = StreamingHttpResponse(
        exports.registrations_csv_lines(event), content_type="text/csv; charset=utf-8"
    )
    name = f"{slugify(event.title) or 'activiteit'}-{event.pk}-aanmeldingen.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
