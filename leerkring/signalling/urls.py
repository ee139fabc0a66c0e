"""URLs of the signalling app, in sections that follow its parts."""

from django.urls import path

from .views import community as community_views
from .views import lcc as lcc_views
from .views import signal as signal_views
from .views import similar as similar_views
from .views import system as system_views
from .views import themes as theme_views
from .views import transfer as transfer_views
from .views import venster as venster_views

app_name = "signalling"

urlpatterns = [
    # --- Raising, passing on, lifecycle and feedback ---------------------------------------
    path(
        "communities/<int:pk>/signals/",
        community_views.community_signal_list,
        name="community_signals",
    ),
    path(
        "communities/<int:pk>/signals/new/",
        community_views.signal_raise,
        name="signal_raise",
    ),
    path("signals/<int:pk>/", signal_views.signal_detail, name="signal_detail"),
    path("signals/<int:pk>/edit/", signal_views.signal_edit, name="signal_edit"),
    path("signals/<int:pk>/delete/", signal_views.signal_delete, name="signal_delete"),
    path("signals/<int:pk>/pass-on/", signal_views.signal_pass_on, name="signal_pass_on"),
    path(
        "signals/<int:pk>/actions/<slug:action>/",
        signal_views.signal_action,
        name="signal_action",
    ),
    # --- The venster, themes, top five, LCC and system level --------------------------------
    path("programmes/<slug:slug>/venster/", venster_views.venster, name="venster"),
    path("programmes/<slug:slug>/themes/", theme_views.theme_list, name="theme_list"),
    path("programmes/<slug:slug>/themes/link/", theme_views.theme_link, name="theme_link"),
    path("themes/<int:pk>/", theme_views.theme_detail, name="theme"),
    path("themes/<int:pk>/rename/", theme_views.theme_rename, name="theme_rename"),
    path("themes/<int:pk>/merge/", theme_views.theme_merge, name="theme_merge"),
    path("themes/<int:pk>/respond/", theme_views.theme_respond, name="theme_respond"),
    path("themes/<int:pk>/ranking/", theme_views.theme_ranking, name="theme_ranking"),
    path("programmes/<slug:slug>/top5/", theme_views.top_five, name="top5"),
    path("programmes/<slug:slug>/lcc/", lcc_views.lcc_list, name="lcc_list"),
    path("lcc/<int:pk>/", lcc_views.lcc_detail, name="lcc"),
    path("lcc/<int:pk>/signals/<int:signal_pk>/decide/", lcc_views.lcc_decide, name="lcc_decide"),
    path("lcc/<int:pk>/held/", lcc_views.lcc_record_held, name="lcc_record_held"),
    path("programmes/<slug:slug>/system/", system_views.system_inbox, name="system_inbox"),
    path("system/signals/<int:pk>/", system_views.system_signal, name="system_signal"),
    # --- Similar signals and Excel import/export --------------------------------------------
    path(
        "programmes/<slug:slug>/signals/similar/",
        similar_views.similar_signals,
        name="similar_signals",
    ),
    path(
        "programmes/<slug:slug>/signals/<int:pk>/known-as/",
        similar_views.signal_mark_known,
        name="signal_mark_known_as",
    ),
    path(
        "programmes/<slug:slug>/venster/import/",
        transfer_views.signal_import,
        name="venster_import",
    ),
    path(
        "programmes/<slug:slug>/venster/import/<str:token>/",
        transfer_views.signal_import_map,
        name="venster_import_map",
    ),
    path(
        "programmes/<slug:slug>/venster/export.xlsx",
        transfer_views.venster_export,
        name="venster_export",
    ),
]
