"""Recording attendance, on a phone at the door: one radio group per member, guests below,
one submit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from leerkring.core import id_lists

from .. import permissions, selectors, services
from ..forms_attendance import AttendanceForm, GuestFormSet, guests_from
from ..models import Meeting


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("community__programme"), pk=pk)
    if not permissions.can_record_attendance(request.user, meeting):
        raise PermissionDenied
    rows = selectors.attendance_rows(meeting=meeting)
    guests = list(meeting.guests.order_by("name", "pk"))
    data = request.POST if request.method == "POST" else None
    form = AttendanceForm(data, rows=rows)
    guest_formset = GuestFormSet(data, prefix="guest")
    cancelled = meeting.status == Meeting.Status.CANCELLED
    not_started = (
        "" if meeting.starts_at <= timezone.now() else services.not_started_message(meeting)
    )
    closed = cancelled or bool(not_started)
    if data is not None and not closed and form.is_valid() and guest_formset.is_valid():
        try:
            services.attendance_record(
                meeting=meeting,
                statuses=form.statuses(),
                guests_new=guests_from(guest_formset),
                guests_remove=id_lists.keys(request.POST.getlist("remove_guest")),
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De aanwezigheid is opgeslagen."))
            return redirect(selectors.meeting_page_path(meeting) + "#aanwezigheid")
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "community": meeting.community,
            "form": form,
            "rows": form.bound_rows(),
            "guests": guests,
            "guest_formset": guest_formset,
            "cancelled": cancelled,
            "not_started": not_started,
            "nav_section": "community",
        },
    )
