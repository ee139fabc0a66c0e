"""Every e-mail leaves through the outbox: no module outside it opens a mail connection or sends,
so nothing can skip the retries, the record and the delivery progress."""

from __future__ import annotations

import re
from pathlib import Path

import leerkring

SENDING = re.compile(r"get_connection\(|send_messages\(|\bsend_mail\(|send_mass_mail\(|\.send\(\)")


def test_only_the_outbox_sends_mail():
    root = Path(leerkring.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "outbox" in path.relative_to(root).parts[:1] or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if SENDING.search(code) and "def send_mail(" not in code:
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
