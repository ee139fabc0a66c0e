"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port chosen at run time) that
records every message it accepts, per recipient, and fails on request: temporary refusals
(4xx), permanent refusals (5xx), connections dropped in the middle of a message, a slow
server, and no server at all (stopped, then started again on the same port)."""

from __future__ import annotations

import asyncio
import email
import logging
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass

from aiosmtpd.controller import Controller

# aiosmtpd logs every connection at INFO; tests only want to hear about problems.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Accepted:
    recipient: str
    message_id: str
    subject: str
    raw: bytes


class FaultyHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted: list[Accepted] = []
        # Refuse every recipient with this reply while set, e.g. "451 4.3.2 Try again later".
        self.refuse_all: str | None = None
        # Refuse these addresses with their reply.
        self.refuse: dict[str, str] = {}
        # Refuse the next N recipients with a 4xx, then accept again.
        self.tempfail_next = 0
        # Drop the connection instead of answering the next N messages' data.
        self.drop_next = 0
        # Seconds to take over each message's data (a slow server).
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.refuse_all:
                return self.refuse_all
            if address in self.refuse:
                return self.refuse[address]
            if self.tempfail_next > 0:
                self.tempfail_next -= 1
                return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            drop = self.drop_next > 0
            if drop:
                self.drop_next -= 1
        if drop:
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        parsed = email.message_from_bytes(envelope.content)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.accepted.append(
                    Accepted(
                        recipient=recipient,
                        message_id=parsed.get("Message-ID", ""),
                        subject=str(parsed.get("Subject", "")),
                        raw=envelope.content,
                    )
                )
        return "250 2.0.0 Accepted"

    def per_recipient(self) -> Counter:
        with self.lock:
            return Counter(a.recipient for a in self.accepted)

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)


class FaultySMTPServer:
    """Start with `start()`, stop with `stop()`; `down()`/`up()` close and reopen the port."""

    def __init__(self) -> None:
        self.handler = FaultyHandler()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> FaultySMTPServer:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def down(self) -> None:
        self.stop()

    def up(self) -> None:
        for _ in range(50):
            try:
                self.start()
                return
            except (OSError, RuntimeError):
                time.sleep(0.1)
        self.start()
