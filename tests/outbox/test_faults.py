"""Fault runs with real worker processes and a real SMTP server, each driving a newsletter
issue's real send (published as its "Versturen" button does; the worker's send task writes the
deliveries and outbox rows batch by batch): a mail server that refuses for a while, a worker
killed with SIGKILL while its send task writes those batches and one killed a third into the
sending, and (on PostgreSQL) every database connection cut under a running worker. Each checks
per subscriber: nothing lost, nothing sent twice beyond the one message in flight at the kill,
and the issue's own bookkeeping (deliveries, status) agrees with what the server received."""

from __future__ import annotations

import time

import pytest

from .processes import ScratchDatabase, WorkerProcess, fast_settings, wait_until
from .smtp import FaultySMTPServer

# How long a step may take on a loaded machine before the run counts as stuck. Leases are five
# seconds here and an hour or more in production, so a pick-up within this still proves that
# nothing waited out a lease.
PATIENCE = 180


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


def _issue_sent(scratch: ScratchDatabase, issue_id: int, count: int):
    """Every delivery recorded as sent (the outbox reports each accepted e-mail back) and the
    issue closed."""
    return lambda: (
        scratch.deliveries(issue_id) == {"sent": count} and scratch.issue_status(issue_id) == "sent"
    )


def _everyone_once(smtp_server: FaultySMTPServer, count: int, *, duplicates: int = 0) -> None:
    received = smtp_server.handler.per_recipient()
    assert set(received) == {f"abonnee{i}@example.nl" for i in range(count)}, "nothing lost"
    extra = sum(n - 1 for n in received.values())
    assert extra <= duplicates, received.most_common(3)


def test_an_issue_refused_for_a_while_reaches_every_subscriber_exactly_once(
    scratch, smtp_server, workers
):
    scratch.outbox_clear()
    smtp_server.handler.refuse_all = "451 4.3.2 System busy, try again later"
    issue = scratch.issue_publish(40)
    workers.append(WorkerProcess(scratch, smtp_server.port, "refused-1", **fast_settings()))
    wait_until(lambda: scratch.states().get("waiting", 0) == 40, timeout=PATIENCE, interval=0.2)
    time.sleep(3)
    assert smtp_server.handler.count() == 0
    # Meanwhile the issue says what is true: being sent, every delivery waiting, none failed.
    assert scratch.deliveries(issue) == {"pending": 40}
    assert scratch.issue_status(issue) == "sending"
    smtp_server.handler.refuse_all = None
    wait_until(_issue_sent(scratch, issue, 40), timeout=PATIENCE, interval=0.5)
    _everyone_once(smtp_server, 40, duplicates=0)


def test_a_worker_killed_while_the_send_task_queues_is_finished_by_the_next(
    scratch, smtp_server, workers
):
    """The kill lands between the send task's batches: the batches it committed stay, the task
    is put back when the worker's lease runs out, and its second run queues only the rest."""
    scratch.outbox_clear()
    count = 120
    # Two subscribers per batch: sixty transactions, a window of seconds to land the kill in.
    settings = fast_settings(NEWSLETTER_QUEUE_BATCH=2)
    issue = scratch.issue_publish(count)
    first = WorkerProcess(scratch, smtp_server.port, "queueing-1", **settings)
    workers.append(first)
    wait_until(
        lambda: sum(scratch.deliveries(issue).values()) >= 2, timeout=PATIENCE, interval=0.01
    )
    first.kill()
    killed_at = time.monotonic()
    queued_at_kill = sum(scratch.deliveries(issue).values())
    assert 0 < queued_at_kill < count, "killed while the send task was writing its batches"
    assert scratch.tasks("newsletter_issue_send") == {"RUNNING": 1}
    workers.append(WorkerProcess(scratch, smtp_server.port, "queueing-2", **settings))
    wait_until(_issue_sent(scratch, issue, count), timeout=PATIENCE, interval=0.2)
    assert time.monotonic() - killed_at < PATIENCE
    _everyone_once(smtp_server, count, duplicates=1)
    assert scratch.tasks("newsletter_issue_send") == {"SUCCESSFUL": 1}


def test_a_worker_killed_a_third_into_sending_an_issue_is_finished_by_the_next(
    scratch, smtp_server, workers
):
    scratch.outbox_clear()
    count = 150
    smtp_server.handler.delay = 0.03
    issue = scratch.issue_publish(count)
    first = WorkerProcess(scratch, smtp_server.port, "killed-1", **fast_settings())
    workers.append(first)
    wait_until(lambda: smtp_server.handler.count() >= count // 3, timeout=PATIENCE, interval=0.02)
    first.kill()
    killed_at = time.monotonic()
    at_kill = smtp_server.handler.count()
    assert 0 < at_kill < count
    workers.append(WorkerProcess(scratch, smtp_server.port, "after-kill-2", **fast_settings()))
    wait_until(_issue_sent(scratch, issue, count), timeout=PATIENCE, interval=0.2)
    assert time.monotonic() - killed_at < PATIENCE
    _everyone_once(smtp_server, count, duplicates=1)


def test_a_worker_survives_its_database_connections_being_cut(scratch, smtp_server, workers):
    if not scratch.pg:
        pytest.skip("cutting connections needs PostgreSQL (run the suite with DATABASE_URL)")
    scratch.outbox_clear()
    smtp_server.handler.delay = 0.02
    worker = WorkerProcess(scratch, smtp_server.port, "cut-1", **fast_settings())
    workers.append(worker)
    first = scratch.issue_publish(30)
    wait_until(_issue_sent(scratch, first, 30), timeout=PATIENCE, interval=0.2)
    second = scratch.issue_publish(60, start=30)
    wait_until(lambda: smtp_server.handler.count() >= 40, timeout=PATIENCE, interval=0.02)
    assert scratch.terminate_connections() >= 1
    time.sleep(1)
    assert worker.alive(), worker.output()[-2000:]
    third = scratch.issue_publish(30, start=90)
    wait_until(_issue_sent(scratch, third, 30), timeout=PATIENCE, interval=0.3)
    wait_until(_issue_sent(scratch, second, 60), timeout=PATIENCE, interval=0.3)
    assert worker.alive()
    _everyone_once(smtp_server, 120, duplicates=1)
