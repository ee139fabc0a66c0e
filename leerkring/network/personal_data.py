"""What the networks of leads and facilitators hold about one person (core.personal_data):
networks they were invited into, their e-mail choice and the files they shared (their threads
and messages are in the meetings app's part). When they leave, the invitations and choices go;
shared files stay as the network's material, under the person record that becomes "Oud-lid"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import NetworkDocument, NetworkMember, NetworkNotification


def personal_data(*, person: Any, user: Any) -> dict[str, list[dict]]:
    if person is None:
        return {}
    return {
        _("Netwerken waarvoor je bent uitgenodigd"): [
            {_("netwerk"): row.network.name, _("sinds"): row.added_at.isoformat()}
            for row in NetworkMember.objects.filter(person=person).select_related("network")
        ],
        _("Keuze voor e-mail uit netwerken"): [
            {_("netwerk"): row.network.name, _("keuze"): row.get_mode_display()}
            for row in NetworkNotification.objects.filter(person=person).select_related("network")
        ],
        _("Materiaal dat je deelde in een netwerk"): [
            {
                _("netwerk"): row.network.name,
                _("titel"): row.title,
                _("bestand"): row.original_name,
                _("op"): row.uploaded_at.isoformat(),
            }
            for row in NetworkDocument.objects.filter(uploaded_by=person).select_related("network")
        ],
    }


def personal_data_erase(*, person: Any, user: Any, by: Any) -> None:
    if person is None:
        return
    NetworkMember.objects.filter(person=person).delete()
    NetworkNotification.objects.filter(person=person).delete()
