from django.urls import path

from .views import event, planning, public, registrations

app_name = "events"
urlpatterns = [
    # Inside the programme.
    path("programmes/<slug:slug>/events/", planning.event_list, name="event_list"),
    path("programmes/<slug:slug>/events/new/", planning.event_create, name="event_create"),
    path(
        "communities/<int:pk>/joint-sessions/new/",
        planning.joint_session_create,
        name="joint_session_create",
    ),
    path("events/<int:pk>/", event.event_detail, name="event"),
    path("events/<int:pk>/edit/", event.event_edit, name="event_edit"),
    path("events/<int:pk>/announce/", event.event_announce, name="event_announce"),
    path("events/<int:pk>/approve/", event.event_approve, name="event_approve"),
    path("events/<int:pk>/cancel/", event.event_cancel, name="event_cancel"),
    path(
        "events/<int:pk>/communities/<int:community_pk>/answer/",
        event.joint_answer,
        name="joint_answer",
    ),
    path("events/<int:pk>/register/", event.event_register, name="event_register"),
    path("events/<int:pk>/unregister/", event.event_unregister, name="event_unregister"),
    path("events/<int:pk>/calendar.ics", event.event_ics, name="event_ics"),
    path(
        "events/<int:pk>/registrations/",
        registrations.event_registrations,
        name="registrations",
    ),
    path(
        "events/<int:pk>/registrations.csv",
        registrations.event_registrations_csv,
        name="registrations_csv",
    ),
    path("events/<int:pk>/wrap-up/", event.event_wrap_up, name="wrap_up"),
    # Public: no sign-in; opaque keys and tokens only.
    path("public/<slug:slug>/events/", public.public_event_list, name="public_event_list"),
    path("public/<slug:slug>/events/<str:public_id>/", public.public_event, name="public_event"),
    path("events/confirm/<str:token>/", public.confirm, name="confirm"),
    path("events/registration/<str:token>/", public.manage, name="manage"),
    path("events/registration/<str:token>/calendar.ics", public.manage_ics, name="manage_ics"),
]
