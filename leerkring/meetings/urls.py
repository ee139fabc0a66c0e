"""URLs of the meetings app, in sections that follow the meeting cycle."""

from django.urls import path

from .views import agenda as agenda_views
from .views import agreements as agreement_views
from .views import attendance as attendance_views
from .views import calendar as calendar_views
from .views import minutes as minutes_views
from .views import outcomes as outcome_views
from .views import planning as planning_views
from .views import threads as thread_views

app_name = "meetings"

urlpatterns = [
    # --- Planning and agenda ---------------------------------------------------------------
    path("communities/<int:pk>/meetings/", planning_views.meeting_list, name="meeting_list"),
    path(
        "communities/<int:pk>/meetings/new/", planning_views.meeting_create, name="meeting_create"
    ),
    path(
        "communities/<int:pk>/meetings/series/",
        planning_views.meeting_series,
        name="meeting_series",
    ),
    path("meetings/<int:pk>/", planning_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", planning_views.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<int:pk>/observation/",
        planning_views.meeting_observation,
        name="meeting_observation",
    ),
    path("meetings/<int:pk>/print/", agenda_views.meeting_print, name="meeting_print"),
    path("meetings/<int:pk>/agenda/", agenda_views.agenda, name="agenda"),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/edit/",
        agenda_views.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/delete/",
        agenda_views.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/move/",
        agenda_views.agenda_item_move,
        name="agenda_item_move",
    ),
    path(
        "meetings/<int:pk>/agenda/guests/", agenda_views.agenda_guest_add, name="agenda_guest_add"
    ),
    path(
        "meetings/<int:pk>/agenda/guests/<int:guest_pk>/remove/",
        agenda_views.agenda_guest_remove,
        name="agenda_guest_remove",
    ),
    path("meetings/<int:pk>/agenda/publish/", agenda_views.agenda_publish, name="agenda_publish"),
    path(
        "meetings/<int:pk>/agenda/work-forms/",
        agenda_views.work_form_create,
        name="work_form_create",
    ),
    # --- Invitations, calendar and attendance ----------------------------------------------
    path("meetings/<int:pk>/publish/", calendar_views.meeting_publish, name="meeting_publish"),
    path(
        "meetings/<int:pk>/mail/resend/",
        calendar_views.meeting_mail_resend,
        name="meeting_mail_resend",
    ),
    path("meetings/<int:pk>/rsvp/", calendar_views.meeting_rsvp, name="meeting_rsvp"),
    path("meetings/<int:pk>/rsvp/<str:token>/", calendar_views.rsvp_token, name="rsvp_token"),
    path("meetings/<int:pk>/ics/", calendar_views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/attendance/", attendance_views.attendance, name="attendance"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/new/", calendar_views.calendar_feed_create, name="calendar_feed_create"),
    path("calendar/revoke/", calendar_views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<slug:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    # --- Outcomes, minutes, agreements and threads -----------------------------------------
    path("meetings/<int:pk>/wrapup/", outcome_views.wrapup, name="wrapup"),
    path("meetings/<int:pk>/wrapup/<str:kind>/add/", outcome_views.wrapup_add, name="wrapup_add"),
    path(
        "meetings/<int:pk>/wrapup/<str:kind>/<int:item_pk>/edit/",
        outcome_views.wrapup_edit,
        name="wrapup_edit",
    ),
    path(
        "meetings/<int:pk>/wrapup/<str:kind>/<int:item_pk>/delete/",
        outcome_views.wrapup_delete,
        name="wrapup_delete",
    ),
    path("meetings/<int:pk>/minutes/", minutes_views.minutes_edit, name="minutes"),
    path("meetings/<int:pk>/minutes/send/", minutes_views.minutes_send, name="minutes_send"),
    path("meetings/<int:pk>/minutes.docx", minutes_views.minutes_docx, name="minutes_docx"),
    path("meetings/<int:pk>/minutes.pdf", minutes_views.minutes_pdf, name="minutes_pdf"),
    path("agreements/", agreement_views.my_agreements, name="my_agreements"),
    path("agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/status/", agreement_views.agreement_status, name="agreement_status"),
    path("communities/<int:pk>/threads/", thread_views.thread_list, name="threads"),
    path("communities/<int:pk>/threads/new/", thread_views.thread_start, name="thread_start"),
    path(
        "communities/<int:pk>/threads/notifications/",
        thread_views.thread_notifications,
        name="thread_notifications",
    ),
    path("threads/<int:pk>/", thread_views.thread_detail, name="thread"),
]
