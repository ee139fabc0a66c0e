"""Fault runs of the outbox at the sizes the reliability doc reports (docs/reliability.md).

Uses the test suite's harness (tests/outbox): a real SMTP server on 127.0.0.1, a scratch
database, `manage.py run_worker` processes. Each run sends a newsletter issue the way its
"Versturen" button does (`issue_publish`); the worker runs the issue's send task, which writes
the deliveries and outbox rows batch by batch, and the outbox delivers them.

    .venv/bin/python -m bench.outbox_faults refuse     # mail server answers 451 for a while
    .venv/bin/python -m bench.outbox_faults kill       # kill -9 of a worker a third into a send
    .venv/bin/python -m bench.outbox_faults kill-queueing
                                                      # kill -9 while the send task writes
                                                      # its batches
    DATABASE_URL=postgres://… .venv/bin/python -m bench.outbox_faults cut
                                                      # every connection cut mid-send
    .venv/bin/python -m bench.outbox_faults restart    # a PostgreSQL of its own (in /tmp),
                                                      # restarted mid-send

Run from the repository root (the harness is imported from `tests.outbox`).

Each prints per-recipient figures (recipients, delivered, lost, duplicates), the issue's own
bookkeeping at the end (deliveries per status, the issue's status) and timings.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.outbox.processes import ScratchDatabase, WorkerProcess, wait_until
from tests.outbox.smtp import FaultySMTPServer, free_port


def report(
    name: str, smtp: FaultySMTPServer, count: int, db: ScratchDatabase, issue: int, **figures
) -> None:
    received = smtp.handler.per_recipient()
    expected = {f"abonnee{i}@example.nl" for i in range(count)}
    lost = len(expected - set(received))
    duplicates = sum(n - 1 for n in received.values())
    print(f"== {name}")
    print(
        f"recipients {count}, delivered to {len(set(received) & expected)}, lost {lost}, "
        f"duplicates {duplicates}"
    )
    print(f"deliveries: {db.deliveries(issue)}, issue: {db.issue_status(issue)}")
    for key, value in figures.items():
        print(f"{key}: {value}")


def all_sent(db: ScratchDatabase, issue: int, count: int):
    """Every delivery of the issue recorded as sent and the issue closed."""
    return lambda: db.deliveries(issue) == {"sent": count} and db.issue_status(issue) == "sent"


def scenario_refuse(count: int) -> None:
    """The mail server answers 451 to every recipient for 60 s, then recovers."""
    db = ScratchDatabase()
    smtp = FaultySMTPServer().start()
    worker = None
    try:
        smtp.handler.refuse_all = "451 4.3.2 System busy, try again later"
        settings = {"OUTBOX_RETRY_BASE_SECONDS": 10, "OUTBOX_RETRY_MAX_SECONDS": 60}
        # Published before the worker starts: on SQLite a polling worker can keep the
        # publishing script from getting its write lock.
        issue = db.issue_publish(count)
        worker = WorkerProcess(db, smtp.port, "refuse-1", **settings)
        started = time.monotonic()
        time.sleep(30)
        during = db.states()
        deliveries_during = db.deliveries(issue)
        status_during = db.issue_status(issue)
        time.sleep(30)
        smtp.handler.refuse_all = None
        recovered = time.monotonic()
        wait_until(all_sent(db, issue, count), timeout=600, interval=1)
        done = time.monotonic()
        attempts = db.python(
            "from django.db.models import Sum\n"
            "from leerkring.outbox.models import Message, Attempt\n"
            "print(Message.objects.aggregate(s=Sum('attempts'))['s'], "
            "Attempt.objects.filter(outcome='temporary').count())"
        ).split()
        report(
            "mail server refusing (451) for 60 s",
            smtp,
            count,
            db,
            issue,
            settings=settings,
            **{
                "outbox states 30 s into the refusal": during,
                "deliveries 30 s into the refusal": deliveries_during,
                "issue 30 s into the refusal": status_during,
                "seconds from recovery until every recipient had it": round(done - recovered, 1),
                "seconds from queueing until done": round(done - started, 1),
                "attempts in all / temporary refusals recorded": attempts,
            },
        )
    finally:
        if worker:
            worker.stop()
        smtp.stop()
        db.drop()


def scenario_kill(count: int) -> None:
    """A worker is killed with SIGKILL a third into the sending (a third of the subscribers
    accepted by the server); a new worker starts at once. Production settings: 30 s outbox
    lease, 30 s worker lease."""
    db = ScratchDatabase()
    smtp = FaultySMTPServer().start()
    workers = []
    try:
        smtp.handler.delay = 0.005
        issue = db.issue_publish(count)
        first = WorkerProcess(db, smtp.port, "kill-1")
        workers.append(first)
        started = time.monotonic()
        wait_until(lambda: smtp.handler.count() >= count // 3, timeout=600, interval=0.02)
        first.kill()
        killed = time.monotonic()
        at_kill = smtp.handler.count()
        states_at_kill = db.states()
        deliveries_at_kill = db.deliveries(issue)
        task_at_kill = db.tasks("newsletter_issue_send")
        workers.append(WorkerProcess(db, smtp.port, "kill-2"))
        wait_until(all_sent(db, issue, count), timeout=600, interval=0.5)
        done = time.monotonic()
        report(
            "kill -9 of the worker a third into sending a newsletter issue",
            smtp,
            count,
            db,
            issue,
            **{
                "accepted by the server before the kill": at_kill,
                "seconds from the first worker's start to the kill": round(killed - started, 1),
                "outbox states just after the kill": states_at_kill,
                "deliveries just after the kill": deliveries_at_kill,
                "send task just after the kill": task_at_kill,
                "seconds from the kill until every delivery was recorded sent": round(
                    done - killed, 1
                ),
            },
        )
    finally:
        for worker in workers:
            worker.stop()
        smtp.stop()
        db.drop()


def scenario_kill_queueing(count: int) -> None:
    """A worker is killed with SIGKILL while the issue's send task writes its batches (after
    the first batch committed); a new worker starts at once and must wait for the dead one's
    lease before it runs the task again. Production settings (`NEWSLETTER_QUEUE_BATCH` 500,
    30 s worker lease)."""
    db = ScratchDatabase()
    smtp = FaultySMTPServer().start()
    workers = []
    try:
        smtp.handler.delay = 0.005
        issue = db.issue_publish(count)
        first = WorkerProcess(db, smtp.port, "queueing-1")
        workers.append(first)
        wait_until(lambda: sum(db.deliveries(issue).values()) > 0, timeout=600, interval=0.02)
        first.kill()
        killed = time.monotonic()
        deliveries_at_kill = db.deliveries(issue)
        task_at_kill = db.tasks("newsletter_issue_send")
        accepted_at_kill = smtp.handler.count()
        workers.append(WorkerProcess(db, smtp.port, "queueing-2"))
        if sum(deliveries_at_kill.values()) >= count:
            print("note: the kill came after the last batch; this run shows no mid-queue kill")
        wait_until(
            lambda: db.tasks("newsletter_issue_send") == {"SUCCESSFUL": 1},
            timeout=600,
            interval=0.1,
        )
        requeued = time.monotonic()
        wait_until(all_sent(db, issue, count), timeout=600, interval=0.5)
        done = time.monotonic()
        report(
            "kill -9 of the worker while the send task writes its batches",
            smtp,
            count,
            db,
            issue,
            **{
                "deliveries written before the kill": deliveries_at_kill,
                "send task just after the kill": task_at_kill,
                "accepted by the server before the kill": accepted_at_kill,
                "seconds from the kill until the task had run again to its end": round(
                    requeued - killed, 1
                ),
                "seconds from the kill until every delivery was recorded sent": round(
                    done - killed, 1
                ),
                "send task at the end": db.tasks("newsletter_issue_send"),
            },
        )
    finally:
        for worker in workers:
            worker.stop()
        smtp.stop()
        db.drop()


def scenario_cut(count: int) -> None:
    """Every connection of the worker to PostgreSQL is cut (pg_terminate_backend) three times
    during a send."""
    db = ScratchDatabase()
    if not db.pg:
        raise SystemExit("cut needs DATABASE_URL=postgres://…")
    smtp = FaultySMTPServer().start()
    worker = None
    try:
        smtp.handler.delay = 0.005
        worker = WorkerProcess(db, smtp.port, "cut-1")
        issue = db.issue_publish(count)
        cuts = []
        for fraction in (4, 2, 1.5):
            wait_until(
                lambda f=fraction: smtp.handler.count() >= count / f, timeout=600, interval=0.01
            )
            cuts.append(db.terminate_connections())
        wait_until(all_sent(db, issue, count), timeout=600, interval=0.5)
        report(
            "every database connection cut three times mid-send",
            smtp,
            count,
            db,
            issue,
            **{
                "connections cut each time": cuts,
                "worker still running": worker.alive(),
                "reconnections logged": worker.output().count("Database unavailable"),
            },
        )
    finally:
        if worker:
            worker.stop()
        smtp.stop()
        db.drop()


def scenario_restart(count: int) -> None:
    """A PostgreSQL server of its own (Debian's binaries, a data directory in /tmp) is stopped
    for 10 s and started again in the middle of a send."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = Path(tempfile.mkdtemp(prefix="leerkring-pg-"))
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(data, "postgres")

    def pg_ctl(*args: str) -> None:
        subprocess.run(
            [*as_postgres, str(bins / "pg_ctl"), "-D", str(data), "-w", *args],
            check=True,
            capture_output=True,
        )

    subprocess.run(
        [*as_postgres, str(bins / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    pg_ctl(
        "-o", f"-p {port} -k /tmp -c listen_addresses=127.0.0.1", "-l", str(data / "log"), "start"
    )
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/postgres"
    db = ScratchDatabase()
    smtp = FaultySMTPServer().start()
    worker = None
    try:
        smtp.handler.delay = 0.005
        worker = WorkerProcess(db, smtp.port, "restart-1")
        issue = db.issue_publish(count)
        wait_until(lambda: smtp.handler.count() >= count // 3, timeout=600, interval=0.01)
        pg_ctl("-m", "fast", "stop")
        stopped = time.monotonic()
        during = smtp.handler.count()
        time.sleep(10)
        pg_ctl(
            "-o",
            f"-p {port} -k /tmp -c listen_addresses=127.0.0.1",
            "-l",
            str(data / "log"),
            "start",
        )
        back = time.monotonic()
        wait_until(lambda: smtp.handler.count() > during + 5, timeout=120, interval=0.1)
        resumed = time.monotonic()
        wait_until(all_sent(db, issue, count), timeout=600, interval=0.5)
        report(
            "PostgreSQL stopped for 10 s and started again mid-send",
            smtp,
            count,
            db,
            issue,
            **{
                "seconds the database was down": round(back - stopped, 1),
                "seconds from the database's return until mail moved again": round(
                    resumed - back, 1
                ),
                "worker still running (same process)": worker.alive(),
                "reconnections logged": worker.output().count("Database unavailable"),
            },
        )
    finally:
        if worker:
            worker.stop()
        smtp.stop()
        db.drop()
        try:
            pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    scenarios = {
        "refuse": (scenario_refuse, 400),
        "kill": (scenario_kill, 2000),
        "kill-queueing": (scenario_kill_queueing, 2000),
        "cut": (scenario_cut, 1000),
        "restart": (scenario_restart, 1000),
    }
    parser.add_argument("scenario", choices=list(scenarios))
    parser.add_argument("--count", type=int, default=None)
    args = parser.parse_args()
    run, default_count = scenarios[args.scenario]
    print(f"load average before: {os.getloadavg()}")
    run(args.count or default_count)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
