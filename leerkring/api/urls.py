"""`/api/v1/`: the JSON API, its OpenAPI document and its documentation pages.

A new version gets its own prefix (`/api/v2/`) next to this one; see docs/api.md for the
versioning and deprecation policy."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from .views import dissemination, meetings, monitor, programmes, signals, surveys, themes

#: Swagger UI and Redoc style their pages with inline styles (and Redoc searches in a worker);
#: these two pages, which hold no data, allow that. Scripts stay our own static files.
DOCS_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_update(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path(
        "redoc/",
        csp_update(DOCS_CSP)(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    # Programmes and communities
    path("programmes/", programmes.ProgrammeListView.as_view(), name="programmes"),
    path("programmes/<slug:slug>/", programmes.ProgrammeDetailView.as_view(), name="programme"),
    path(
        "programmes/<slug:slug>/communities/",
        programmes.ProgrammeCommunitiesView.as_view(),
        name="programme_communities",
    ),
    path("communities/", programmes.MyCommunitiesView.as_view(), name="communities"),
    path("communities/<int:pk>/", programmes.CommunityDetailView.as_view(), name="community"),
    # Meetings, lessons and agreements
    path(
        "communities/<int:pk>/meetings/",
        meetings.CommunityMeetingsView.as_view(),
        name="community_meetings",
    ),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting"),
    path(
        "communities/<int:pk>/lessons/",
        meetings.CommunityLessonsView.as_view(),
        name="community_lessons",
    ),
    path(
        "communities/<int:pk>/agreements/",
        meetings.CommunityAgreementsView.as_view(),
        name="community_agreements",
    ),
    # Signals, the venster, themes, the LCC and the system level
    path("programmes/<slug:slug>/venster/", signals.VensterView.as_view(), name="venster"),
    path(
        "communities/<int:pk>/signals/",
        signals.CommunitySignalsView.as_view(),
        name="community_signals",
    ),
    path("signals/<int:pk>/", signals.SignalDetailView.as_view(), name="signal"),
    path("signals/<int:pk>/pass-on/", signals.SignalPassOnView.as_view(), name="signal_pass_on"),
    path("signals/<int:pk>/actions/", signals.SignalActionView.as_view(), name="signal_action"),
    path("programmes/<slug:slug>/themes/", themes.ThemeListView.as_view(), name="themes"),
    path("themes/<int:pk>/answers/", signals.ThemeAnswerView.as_view(), name="theme_answers"),
    path("programmes/<slug:slug>/top-five/", themes.TopFiveView.as_view(), name="top_five"),
    path(
        "programmes/<slug:slug>/lcc/",
        themes.CoordinationMeetingListView.as_view(),
        name="lcc_list",
    ),
    path("lcc/<int:pk>/", themes.CoordinationMeetingDetailView.as_view(), name="lcc"),
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
    # Surveys
    path("programmes/<slug:slug>/waves/", surveys.WaveListView.as_view(), name="waves"),
    path("waves/<int:pk>/results/", surveys.WaveResultsView.as_view(), name="wave_results"),
    # Products and the knowledge view
    path(
        "programmes/<slug:slug>/products/", dissemination.CatalogueView.as_view(), name="products"
    ),
    path("products/<int:pk>/", dissemination.ProductDetailView.as_view(), name="product"),
    path(
        "programmes/<slug:slug>/knowledge/",
        dissemination.KnowledgeView.as_view(),
        name="knowledge",
    ),
    # The CoP monitor
    path(
        "programmes/<slug:slug>/monitor/",
        monitor.ProgrammeMonitorView.as_view(),
        name="programme_monitor",
    ),
    path(
        "communities/<int:pk>/monitor/",
        monitor.CommunityMonitorView.as_view(),
        name="community_monitor",
    ),
]
