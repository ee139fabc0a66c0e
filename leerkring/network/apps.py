from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "leerkring.network"
    label = "network"
    verbose_name = _("Netwerk van trekkers en begeleiders")

    def ready(self) -> None:
        # The home page points members to their network without `core` importing this app.
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_save,
            pre_delete,
            pre_save,
        )

        from leerkring.communities.models import Community, Membership
        from leerkring.core.panels import register_home_panel
        from leerkring.core.personal_data import register_personal_data
        from leerkring.meetings.models import Thread

        from . import member_counts, panels, thread_counts
        from .models import Network, NetworkMember, NetworkThread
        from .personal_data import personal_data, personal_data_erase

        # The network's kept number of threads follows every link saved or deleted, and a
        # linked thread that gains or loses a community (the list shows only those without).
        pre_save.connect(thread_counts.link_saving, sender=NetworkThread, dispatch_uid="kept")
        post_save.connect(thread_counts.link_saved, sender=NetworkThread, dispatch_uid="kept")
        post_delete.connect(thread_counts.link_deleted, sender=NetworkThread, dispatch_uid="kept")
        pre_save.connect(thread_counts.thread_saving, sender=Thread, dispatch_uid="kept")
        post_save.connect(thread_counts.thread_saved, sender=Thread, dispatch_uid="kept")
        # Its kept number of members follows the guides' seats, the invitations, its programmes
        # and the communities (which may move to another programme).
        post_save.connect(member_counts.membership_saved, sender=Membership, dispatch_uid="kn")
        pre_delete.connect(member_counts.membership_deleting, sender=Membership, dispatch_uid="kn")
        post_delete.connect(member_counts.membership_deleted, sender=Membership, dispatch_uid="kn")
        for signal in (post_save, post_delete):
            signal.connect(
                member_counts.invitation_changed, sender=NetworkMember, dispatch_uid="kn"
            )
        m2m_changed.connect(
            member_counts.programmes_changed, sender=Network.programmes.through, dispatch_uid="kn"
        )
        post_save.connect(member_counts.community_saved, sender=Community, dispatch_uid="kn")
        # Counted again by `manage.py recount` after changes made past the models.
        from leerkring.core.kept_figures import register_kept_figure

        register_kept_figure(
            key="network_threads",
            order=500,
            title="threads per network",
            recount=thread_counts.refresh_thread_counts,
        )
        register_kept_figure(
            key="network_members",
            order=510,
            title="members per network",
            recount=member_counts.refresh_network_member_counts,
        )
        register_home_panel(
            key="network",
            order=200,
            template="network/panels/home.html",
            context=panels.home_panel,
        )
        # What this app holds about a person: their download and their erasure.
        register_personal_data(
            key="network",
            order=470,
            title=_("Netwerk van trekkers en begeleiders"),
            collect=personal_data,
            erase=personal_data_erase,
        )
