from django.urls import path

from .views import access_log, community, members, organisations, programmes

app_name = "communities"
urlpatterns = [
    path("programmes/", programmes.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", programmes.programme_overview, name="programme"),
    path("programmes/<slug:slug>/rules/", programmes.rule_profile_edit, name="rule_profile_edit"),
    path("programmes/<slug:slug>/access-log/", access_log.access_log, name="access_log"),
    path(
        "programmes/<slug:slug>/communities/new/",
        community.community_create,
        name="community_create",
    ),
    path("communities/<int:pk>/", community.community_detail, name="community"),
    path("communities/<int:pk>/edit/", community.community_edit, name="community_edit"),
    path("communities/<int:pk>/members/", members.member_list, name="members"),
    path(
        "communities/<int:pk>/members/<int:membership_pk>/role/",
        members.membership_role,
        name="membership_role",
    ),
    path(
        "communities/<int:pk>/members/<int:membership_pk>/end/",
        members.membership_end,
        name="membership_end",
    ),
    path(
        "communities/<int:pk>/members/<int:membership_pk>/handover/",
        members.membership_handover,
        name="membership_handover",
    ),
    path(
        "communities/<int:pk>/members/<int:membership_pk>/seat/",
        members.membership_seat,
        name="membership_seat",
    ),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
]
