"""State changes in the networks of leads and facilitators: setting one up, inviting someone
in, conversations (the meetings app's threads), shared material and e-mail choices. Each runs
in one transaction with its audit entry; e-mail about new messages goes out through the task
worker once the change is committed, since a network can have hundreds of members."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from leerkring.communities.models import Person, Programme
from leerkring.communities.permissions import COORDINATOR, access_for
from leerkring.core.audit import audit
from leerkring.core.markdown import clean_text
from leerkring.dissemination.uploads import check_upload
from leerkring.meetings import services as meeting_services
from leerkring.meetings.models import Message, Thread

from . import permissions, selectors, tasks
from .models import (
    Network,
    NetworkDocument,
    NetworkMember,
    NetworkNotification,
    NetworkThread,
)


@transaction.atomic
def network_create(
    *, programmes: Iterable[Programme], name: str, description: str = "", by: Any
) -> Network:
    """A coordinator sets up the space for the programmes they coordinate."""
    programmes = list(programmes)
    if not programmes:
        raise ValidationError({"programmes": _("Kies minstens één programma.")})
    coordinated = access_for(by).programmes_with(COORDINATOR)
    if any(p.pk not in coordinated for p in programmes):
        raise ValidationError(
            {"programmes": _("Kies alleen programma's waarvan je coördinator bent.")}
        )
    network = Network(
        name=clean_text(name).strip(),
        description=clean_text(description).strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    network.full_clean()
    network.save()
    network.programmes.set(programmes)
    audit(actor=by, verb="network.created", obj=network, programmes=[p.pk for p in programmes])
    return network


def _require_member(network: Network, person: Person | None, by: Any) -> Person:
    if person is None or not permissions.is_member(by, network):
        raise ValidationError(_("Alleen leden van het netwerk kunnen hier schrijven."))
    return person


@transaction.atomic
def network_member_add(*, network: Network, person: Person, by: Any) -> NetworkMember:
    """A member invites a coordinator or evaluator of the network's programmes in."""
    adder = _require_member(network, access_for(by).person, by)
    if not selectors.invitable(network).filter(pk=person.pk).exists():
        raise ValidationError(
            {
                "person": _(
                    "Kies een coördinator of onderzoeker van het programma die nog geen lid is."
                )
            }
        )
    member = NetworkMember.objects.create(network=network, person=person, added_by=adder)
    audit(actor=by, verb="network.member_added", obj=member, network=network.pk)
    return member


@transaction.atomic
def network_member_remove(*, member: NetworkMember, by: Any) -> None:
    """Members take an invited person out again; anyone invited may leave."""
    network = member.network
    person = access_for(by).person
    if person is None or (person.pk != member.person_id and not permissions.is_member(by, network)):
        raise ValidationError(_("Alleen leden van het netwerk kunnen iemand uitschrijven."))
    audit(actor=by, verb="network.member_removed", obj=member, network=network.pk)
    member.delete()


def _notify(message: Message, network: Network) -> None:
    message_id, network_id = message.pk, network.pk
    transaction.on_commit(
        lambda: tasks.network_message_notify.enqueue(message_id=message_id, network_id=network_id)
    )


@transaction.atomic
def network_thread_start(*, network: Network, title: str, body: str, by: Any) -> Thread:
    author = _require_member(network, access_for(by).person, by)
    thread = meeting_services.thread_create(title=title, author=author)
    NetworkThread.objects.create(network=network, thread=thread)
    message = meeting_services.message_add(thread=thread, author=author, body=body)
    audit(actor=by, verb="network.thread_started", obj=thread, network=network.pk)
    _notify(message, network)
    return thread


@transaction.atomic
def network_message_post(*, network: Network, thread: Thread, body: str, by: Any) -> Message:
    author = _require_member(network, access_for(by).person, by)
    if not NetworkThread.objects.filter(network=network, thread=thread).exists():
        raise ValidationError(_("Dit gesprek hoort niet bij dit netwerk."))
    message = meeting_services.message_add(thread=thread, author=author, body=body)
    audit(actor=by, verb="network.message", obj=message, network=network.pk)
    _notify(message, network)
    return message


@transaction.atomic
def network_notification_set(*, network: Network, person: Person, mode: str, by: Any) -> None:
    if mode not in NetworkNotification.Mode.values:
        raise ValidationError({"mode": _("Kies een van de mogelijkheden.")})
    NetworkNotification.objects.update_or_create(
        network=network, person=person, defaults={"mode": mode}
    )
    audit(actor=by, verb="network.notification", obj=network, mode=mode)


@transaction.atomic
def network_document_add(
    *, network: Network, upload: UploadedFile, title: str, description: str = "", by: Any
) -> NetworkDocument:
    """Shared material, checked like a product file (type, size, name) and stored under a
    random name."""
    person = _require_member(network, access_for(by).person, by)
    checked = check_upload(upload)
    title = clean_text(title).strip() or checked.original_name
    document = NetworkDocument(
        network=network,
        title=title[:200],
        description=clean_text(description).strip(),
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=person,
    )
    upload.seek(0)
    document.file.save(checked.stored_name, upload, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        # A file on disk without its row could never be reached or removed.
        document.file.delete(save=False)
        raise
    audit(actor=by, verb="network.document_added", obj=document, network=network.pk)
    return document


@transaction.atomic
def network_document_remove(*, document: NetworkDocument, by: Any) -> None:
    _require_member(document.network, access_for(by).person, by)
    audit(actor=by, verb="network.document_removed", obj=document, network=document.network_id)
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
