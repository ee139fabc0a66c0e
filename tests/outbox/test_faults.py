"""Fault runs with real worker processes and a real SMTP server: a mail server that refuses
for a while, a worker killed with SIGKILL in the middle of a send, and (on PostgreSQL) every
database connection cut under a running worker. Each checks per recipient: nothing lost,
nothing sent twice beyond the one message in flight at the kill."""

from __future__ import annotations

import time

import pytest

from .processes import ScratchDatabase, WorkerProcess, fast_settings, wait_until
from .smtp import FaultySMTPServer


@pytest.fixture(scope="module")
def scratch():
    db = ScratchDatabase()
    yield db
    db.drop()


@pytest.fixture
def smtp_server():
    server = FaultySMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def workers():
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


def _reset(scratch: ScratchDatabase) -> None:
    scratch.python(
        "from leerkring.outbox.models import Message\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "Message.objects.all().delete(); DBTaskResult.objects.all().delete()"
    )


def _all_sent(scratch: ScratchDatabase, count: int):
    return lambda: scratch.states().get("done", 0) == count


def test_mail_refused_for_a_while_reaches_everyone_exactly_once(scratch, smtp_server, workers):
    _reset(scratch)
    smtp_server.handler.refuse_all = "451 4.3.2 System busy, try again later"
    scratch.seed(40)
    workers.append(WorkerProcess(scratch, smtp_server.port, "refused-1", **fast_settings()))
    wait_until(lambda: "waiting" in scratch.states(), timeout=30)
    time.sleep(3)
    assert smtp_server.handler.count() == 0
    smtp_server.handler.refuse_all = None
    wait_until(_all_sent(scratch, 40), timeout=60, interval=0.5)
    assert smtp_server.handler.per_recipient() == {f"abonnee{i}@example.nl": 1 for i in range(40)}


def test_a_worker_killed_mid_send_is_finished_by_the_next_with_at_most_one_duplicate(
    scratch, smtp_server, workers
):
    _reset(scratch)
    count = 150
    smtp_server.handler.delay = 0.03
    scratch.seed(count)
    first = WorkerProcess(scratch, smtp_server.port, "killed-1", **fast_settings())
    workers.append(first)
    wait_until(lambda: smtp_server.handler.count() >= count // 3, timeout=60, interval=0.02)
    first.kill()
    killed_at = time.monotonic()
    at_kill = smtp_server.handler.count()
    assert 0 < at_kill < count
    workers.append(WorkerProcess(scratch, smtp_server.port, "after-kill-2", **fast_settings()))
    wait_until(_all_sent(scratch, count), timeout=60, interval=0.2)
    finished_in = time.monotonic() - killed_at
    received = smtp_server.handler.per_recipient()
    assert set(received) == {f"abonnee{i}@example.nl" for i in range(count)}, "nothing lost"
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= 1, received.most_common(3)
    assert finished_in < 60


def test_a_worker_survives_its_database_connections_being_cut(scratch, smtp_server, workers):
    if not scratch.pg:
        pytest.skip("cutting connections needs PostgreSQL (run the suite with DATABASE_URL)")
    _reset(scratch)
    smtp_server.handler.delay = 0.02
    worker = WorkerProcess(scratch, smtp_server.port, "cut-1", **fast_settings())
    workers.append(worker)
    scratch.seed(30)
    wait_until(_all_sent(scratch, 30), timeout=60, interval=0.2)
    scratch.seed(60, start=30)
    wait_until(lambda: smtp_server.handler.count() >= 40, timeout=60, interval=0.02)
    assert scratch.terminate_connections() >= 1
    time.sleep(1)
    assert worker.alive(), worker.output()[-2000:]
    scratch.seed(30, start=90)
    wait_until(_all_sent(scratch, 120), timeout=60, interval=0.3)
    assert worker.alive()
    received = smtp_server.handler.per_recipient()
    assert set(received) == {f"abonnee{i}@example.nl" for i in range(120)}, "nothing lost"
    assert sum(n - 1 for n in received.values()) <= 1
