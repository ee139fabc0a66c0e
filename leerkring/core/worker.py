"""The task worker: django-tasks' database worker, made to survive.

`manage.py run_worker` runs the same tasks as `manage.py db_worker`, and in addition

- **reconnects** when the database goes away (a restart, a fail-over, a network blip) instead
  of exiting: it waits with back-off, drops its broken connections and carries on; a task cut
  off by the loss is put back to run again;
- **beats**: a thread writes a heartbeat every `WORKER_HEARTBEAT_SECONDS`, also while a long
  task runs, so the others can tell it is alive;
- **recovers** tasks left running by a worker whose heartbeat stopped for longer than
  `WORKER_LEASE_SECONDS` (killed with -9, its host gone): they run again (at most
  `WORKER_TASK_MAX_RUNS` times in all), instead of staying "running" for ever;
- **runs periodic jobs** that apps register with `register_periodic` — the outbox delivers due
  e-mail every few seconds, so retries and sends cut off by a crash continue by themselves.

Tasks in this project are written to be safe to run again (each one changes state and queues
its e-mail in one transaction), which is what makes running a recovered task again right.
"""

from __future__ import annotations

import datetime
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .leases import backoff_seconds
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)

# A task whose worker never wrote a heartbeat (a plain `db_worker`) is left alone this long.
UNKNOWN_WORKER_GRACE = datetime.timedelta(hours=6)


class WorkerLost(Exception):
    """Recorded on a task that kept losing its worker."""


@dataclass
class Periodic:
    name: str
    every: float
    run: Callable[..., object]


_periodic: dict[str, Periodic] = {}


def register_periodic(name: str, every_seconds: float, run: Callable[..., object]) -> None:
    """Run `run(should_stop=…)` in every worker about every `every_seconds`. Jobs must be safe
    to run in several workers at once (claim their work, e.g. with `core.leases`)."""
    _periodic[name] = Periodic(name, every_seconds, run)


def this_host() -> str:
    """The machine and process namespace a worker runs in: two containers may share a host name
    but never see each other's processes, so a process id means something only within both."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        namespace = 0
    return f"{socket.gethostname()[:80]}/{namespace}"


def process_gone(host: str, pid: int | None) -> bool:
    """Whether a worker that beat from this same host and namespace has ended (killed, say).
    Its tasks can then be run again at once instead of after its lease: a worker restarted
    by its supervisor finishes a killed send without waiting half a minute. A reused process
    id only makes this answer "not gone", and the lease decides as before."""
    if not pid or host != this_host() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def tasks_recover_stale(*, now: datetime.datetime | None = None) -> int:
    """Put back tasks that are "running" on a worker that stopped beating. Returns how many."""
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    beats = {
        worker_id: (seen_at, host, pid)
        for worker_id, seen_at, host, pid in WorkerHeartbeat.objects.values_list(
            "worker_id", "seen_at", "host", "pid"
        )
    }
    recovered = 0
    for result in DBTaskResult.objects.running().only("pk", "worker_ids", "started_at"):
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        seen_at, host, pid = beats.get(worker_id, (None, "", None))
        if seen_at is not None and seen_at >= now - lease and not process_gone(host, pid):
            continue
        if (
            seen_at is None
            and result.started_at
            and result.started_at >= now - UNKNOWN_WORKER_GRACE
        ):
            continue
        recovered += _task_put_back(result.pk, worker_ids=result.worker_ids, reason="stopped")
    return recovered


def _task_put_back(pk, *, worker_ids: list[str], reason: str) -> int:
    """Run the task again, or fail it when it has lost its worker too often (a task that kills
    its worker must not do so for ever)."""
    with transaction.atomic():
        current = DBTaskResult.objects.select_for_update().filter(pk=pk).first()
        if (
            current is None
            or current.status != TaskResultStatus.RUNNING
            or current.worker_ids != worker_ids
        ):
            return 0
        if len(worker_ids) >= settings.WORKER_TASK_MAX_RUNS:
            current.status = TaskResultStatus.FAILED
            current.finished_at = timezone.now()
            current.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
            current.traceback = f"The worker running this task {reason} {len(worker_ids)} times."
            current.save(
                update_fields=["status", "finished_at", "exception_class_path", "traceback"]
            )
            logger.error("Task %s failed: its worker %s too often", pk, reason)
        else:
            current.status = TaskResultStatus.READY
            current.started_at = None
            current.save(update_fields=["status", "started_at"])
            logger.warning("Task %s put back to run again: its worker %s", pk, reason)
    return 1


def heartbeats_prune(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(days=1)).delete()[0]


def workers_alive(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - lease).count()


class Heart(threading.Thread):
    """Writes the worker's heartbeat on its own connection, whatever the main thread does."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": this_host(),
                "pid": os.getpid(),
                "seen_at": timezone.now(),
            },
        )

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.beat()
            except DATABASE_ERRORS:
                logger.warning("Heartbeat not written: database unavailable")
                connection.close()
            except Exception:
                logger.exception("Heartbeat not written")
            self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.warning("Heartbeat not removed on shutdown", exc_info=True)
        finally:
            connection.close()


class Worker(DatabaseWorker):
    """`db_worker`'s worker with reconnection, heartbeat, recovery and periodic jobs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.heart = Heart(self.worker_id)
        self.current_task = None
        self.last_run: dict[str, float] = {}

    def should_stop(self) -> bool:
        return not self.running

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, self.queue_names)
        if self.startup_delay and self.interval:
            time.sleep(random.random())
        # The first beat is written before any task is claimed: a worker killed at once must
        # still be known (host and pid), or its task would wait out UNKNOWN_WORKER_GRACE.
        try:
            self.heart.beat()
        except DATABASE_ERRORS:
            logger.warning("First heartbeat not written: database unavailable")
            connection.close()
        self.heart.start()
        outages = 0
        try:
            while self.running:
                try:
                    ran = self.tick()
                    outages = 0
                except DATABASE_ERRORS as error:
                    if is_locked_database_exception(error):
                        ran = False
                    else:
                        outages += 1
                        self.reconnect_after(error, outages)
                        continue
                if self.batch and not ran:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and not ran:
                    time.sleep(self.interval)
        finally:
            self.heart.stopping.set()
            self.heart.join(timeout=5)

    def tick(self) -> bool:
        """One round: periodic jobs that are due, then one task if there is one."""
        close_old_connections()
        self.run_periodic()
        if not self.running:
            return False
        task_result = self.task_claim()
        if task_result is None:
            return False
        self.current_task = (task_result.pk, list(task_result.worker_ids))
        self.run_task(task_result)
        self.current_task = None
        close_old_connections()
        return True

    def task_claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def run_periodic(self) -> None:
        now = time.monotonic()
        for job in list(_periodic.values()):
            if now - self.last_run.get(job.name, 0.0) < job.every or not self.running:
                continue
            self.last_run[job.name] = now
            # While a job runs, a stop signal waits for it (the job looks at `should_stop`).
            self.running_task = True
            try:
                job.run(should_stop=self.should_stop)
            except DATABASE_ERRORS:
                raise
            except Exception:
                logger.exception("Periodic job %s failed", job.name)
            finally:
                self.running_task = False

    def reconnect_after(self, error: Exception, outages: int) -> None:
        delay = backoff_seconds(outages, base=1, cap=settings.WORKER_RECONNECT_MAX_SECONDS)
        logger.warning("Database unavailable (%s); trying again in %.1f s", error, delay)
        self.running_task = False
        connections.close_all()
        time.sleep(delay)
        if self.current_task is not None:
            pk, worker_ids = self.current_task
            try:
                _task_put_back(pk, worker_ids=worker_ids, reason="lost its database")
                self.current_task = None
            except DATABASE_ERRORS:
                connections.close_all()  # still down: try again after the next wait


def periodic_defaults() -> None:
    """The worker's own upkeep, registered by `CoreConfig.ready`."""
    register_periodic(
        "worker.recover", settings.WORKER_LEASE_SECONDS / 2, lambda **_: tasks_recover_stale()
    )
    register_periodic("worker.prune", 3600, lambda **_: heartbeats_prune())
