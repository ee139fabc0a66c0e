"""URLs of the evaluation app, in sections that follow its parts."""

from django.urls import path

from .views import monitor as monitor_views
from .views import observations as observation_views
from .views import reports as report_views
from .views import stories as story_views

app_name = "evaluation"

urlpatterns = [
    # --- Observations and stories -----------------------------------------------------------
    # The story form is opened without an account: the token is the key (views/stories.py).
    # `verhaal/bedankt/` comes before `verhaal/<token>/` so it is never read as a token.
    path(
        "programmes/<slug:slug>/observations/",
        observation_views.observation_list,
        name="observation_list",
    ),
    path(
        "programmes/<slug:slug>/observations/templates/",
        observation_views.observation_templates,
        name="observation_templates",
    ),
    path(
        "programmes/<slug:slug>/observations/templates/<int:pk>/copy/",
        observation_views.observation_template_copy,
        name="observation_template_copy",
    ),
    path(
        "observation-templates/<int:pk>/",
        observation_views.observation_template,
        name="observation_template",
    ),
    path(
        "meetings/<int:pk>/observations/",
        observation_views.meeting_observations,
        name="meeting_observations",
    ),
    path(
        "meetings/<int:pk>/observations/new/",
        observation_views.observation_create,
        name="observation_create",
    ),
    path("observations/<int:pk>/", observation_views.observation_detail, name="observation_detail"),
    path(
        "observations/<int:pk>/edit/", observation_views.observation_edit, name="observation_edit"
    ),
    path("programmes/<slug:slug>/stories/", story_views.story_list, name="story_list"),
    path("programmes/<slug:slug>/stories/new/", story_views.story_create, name="story_create"),
    path("programmes/<slug:slug>/stories/links/", story_views.story_links, name="story_links"),
    path(
        "programmes/<slug:slug>/stories/links/<int:pk>/toggle/",
        story_views.story_link_toggle,
        name="story_link_toggle",
    ),
    path("stories/<int:pk>/", story_views.story_detail, name="story_detail"),
    path("stories/<int:pk>/delete/", story_views.story_delete, name="story_delete"),
    path("verhaal/bedankt/", story_views.story_thanks, name="story_thanks"),
    path("verhaal/<str:token>/", story_views.story_submit, name="story_submit"),
    # --- Monitor ----------------------------------------------------------------------------
    path(
        "programmes/<slug:slug>/monitor/",
        monitor_views.programme_monitor,
        name="programme_monitor",
    ),
    path(
        "communities/<int:pk>/monitor/",
        monitor_views.community_monitor,
        name="community_monitor",
    ),
    # --- Reports ----------------------------------------------------------------------------
    path("communities/<int:pk>/report/", report_views.community_report, name="community_report"),
    path(
        "communities/<int:pk>/report.pdf",
        report_views.community_report_pdf,
        name="community_report_pdf",
    ),
    path(
        "communities/<int:pk>/report.xlsx",
        report_views.community_report_xlsx,
        name="community_report_xlsx",
    ),
    path("programmes/<slug:slug>/report/", report_views.programme_report, name="programme_report"),
    path(
        "programmes/<slug:slug>/report/communities/",
        report_views.programme_report_communities,
        name="programme_report_communities",
    ),
    path(
        "programmes/<slug:slug>/report.pdf",
        report_views.programme_report_pdf,
        name="programme_report_pdf",
    ),
    path(
        "programmes/<slug:slug>/report.xlsx",
        report_views.programme_report_xlsx,
        name="programme_report_xlsx",
    ),
]
