"""Signals of the outbox, for apps that keep their own record of a delivery (the newsletter's
`Delivery` rows).

`message_finished` is sent inside the transaction that records a message's final state (sent,
failed or cancelled), with `message` (the `Message` as it was finished) and `state`.
"""

from django.dispatch import Signal

message_finished = Signal()
