from django.urls import path

from .views import pages, threads

app_name = "network"
urlpatterns = [
    path("programmes/<slug:slug>/networks/", pages.network_list, name="network_list"),
    path("programmes/<slug:slug>/networks/new/", pages.network_create, name="network_create"),
    path("networks/<int:pk>/", pages.network_detail, name="network"),
    path("networks/<int:pk>/threads/new/", threads.thread_start, name="thread_start"),
    path("networks/<int:pk>/threads/<int:thread_pk>/", threads.thread_detail, name="thread"),
    path("networks/<int:pk>/members/", pages.members, name="members"),
    path("networks/<int:pk>/members/add/", pages.member_add, name="member_add"),
    path(
        "networks/<int:pk>/members/<int:member_pk>/remove/",
        pages.member_remove,
        name="member_remove",
    ),
    path("networks/<int:pk>/documents/", pages.document_add, name="document_add"),
    path("networks/<int:pk>/documents/<int:document_pk>/", pages.document, name="document"),
    path(
        "networks/<int:pk>/documents/<int:document_pk>/delete/",
        pages.document_delete,
        name="document_delete",
    ),
    path("networks/<int:pk>/notifications/", pages.notifications, name="notifications"),
]
