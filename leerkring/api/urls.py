"""`/api/v1/`: the JSON API, its OpenAPI document and its documentation pages.

A new version gets its own prefix (`/api/v2/`) next to this one; see docs/api.md for the
versioning and deprecation policy."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from .views import signals

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    # Signals, the venster, themes and the system level
    path("programmes/<slug:slug>/venster/", signals.VensterView.as_view(), name="venster"),
    path(
        "communities/<int:pk>/signals/",
        signals.CommunitySignalsView.as_view(),
        name="community_signals",
    ),
    path("signals/<int:pk>/", signals.SignalDetailView.as_view(), name="signal"),
    path("signals/<int:pk>/pass-on/", signals.SignalPassOnView.as_view(), name="signal_pass_on"),
    path("signals/<int:pk>/actions/", signals.SignalActionView.as_view(), name="signal_action"),
    path("themes/<int:pk>/answers/", signals.ThemeAnswerView.as_view(), name="theme_answers"),
    path(
        "programmes/<slug:slug>/system/signals/",
        signals.SystemInboxView.as_view(),
        name="system_inbox",
    ),
    path("system/signals/<int:pk>/", signals.SystemSignalView.as_view(), name="system_signal"),
    path(
        "system/signals/<int:pk>/answers/",
        signals.SystemAnswerView.as_view(),
        name="system_answers",
    ),
]
