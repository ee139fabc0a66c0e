from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "leerkring.communities"
    label = "communities"
    verbose_name = _("Gemeenschappen")

    def ready(self) -> None:
        # What this app holds about a person: their download and their erasure.
        # The kept member counts follow every membership deleted, also through a cascade, and
        # are forgotten when an organisation's deletion empties memberships by an update.
        from django.db.models.signals import post_delete, pre_delete

        from leerkring.core.personal_data import register_personal_data

        from . import community_changes, member_counts, membership_changes, programme_counts
        from .models import Membership, Organisation
        from .selectors import personal_data
        from .services import personal_data_erase

        # The seat a membership's save changes is read once, for the community's counts and
        # the networks' (`membership_changes`).
        membership_changes.connect()
        pre_delete.connect(
            member_counts.membership_deleting, sender=Membership, dispatch_uid="kept_counts"
        )
        post_delete.connect(
            member_counts.membership_deleted, sender=Membership, dispatch_uid="kept_counts"
        )
        pre_delete.connect(
            member_counts.organisation_deleted, sender=Organisation, dispatch_uid="kept_counts"
        )

        # The kept numbers of communities per programme follow every community saved or deleted;
        # the old programme, region and status are read once per save for every such figure.
        community_changes.connect()
        programme_counts.connect()
        # Counted again by `manage.py recount` after changes made past the models.
        from leerkring.core.kept_figures import register_kept_figure

        register_kept_figure(
            key="member_counts",
            order=10,
            title="active members and organisations per community",
            recount=member_counts.refresh_member_counts,
        )
        register_kept_figure(
            key="programme_counts",
            order=20,
            title="communities per programme, region and status",
            recount=programme_counts.programme_counts_rebuild,
        )

        register_personal_data(
            key="communities",
            order=20,
            title=_("Gemeenschappen"),
            collect=personal_data,
            erase=personal_data_erase,
        )
