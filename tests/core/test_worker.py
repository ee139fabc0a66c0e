"""The task worker: tasks of a worker that stopped beating run again, and a database outage
does not end the worker."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from leerkring.core import worker as worker_module
from leerkring.core.models import WorkerHeartbeat
from leerkring.core.worker import Worker, tasks_recover_stale, this_host

pytestmark = pytest.mark.django_db


def running_task(worker_ids, started_ago=datetime.timedelta(minutes=1)):
    return DBTaskResult.objects.create(
        task_path="leerkring.outbox.tasks.outbox_deliver",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        started_at=timezone.now() - started_ago,
    )


def beat(worker_id, ago):
    WorkerHeartbeat.objects.create(worker_id=worker_id, seen_at=timezone.now() - ago)


def test_it_puts_back_a_task_whose_worker_stopped_beating(settings):
    settings.WORKER_LEASE_SECONDS = 30
    beat("dead", datetime.timedelta(seconds=31))
    beat("alive", datetime.timedelta(seconds=2))
    lost = running_task(["dead"])
    busy = running_task(["alive"])
    assert tasks_recover_stale() == 1
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == TaskResultStatus.READY and lost.started_at is None
    assert busy.status == TaskResultStatus.RUNNING


def test_a_killed_worker_on_this_machine_is_not_waited_for(settings):
    """A worker restarted after `kill -9` takes over its predecessor's task at once: the
    heartbeat is still fresh, but its process is gone. A live process, or a worker on another
    machine (where a process id says nothing), still has its lease."""
    settings.WORKER_LEASE_SECONDS = 30
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        for worker_id, host, pid in [
            ("killed", this_host(), ended.pid),
            ("living", this_host(), living.pid),
            ("elsewhere", "another-machine/1", ended.pid),
        ]:
            WorkerHeartbeat.objects.create(
                worker_id=worker_id, host=host, pid=pid, seen_at=timezone.now()
            )
        killed, alive, remote = (running_task([name]) for name in ("killed", "living", "elsewhere"))
        assert tasks_recover_stale() == 1
        for task in (killed, alive, remote):
            task.refresh_from_db()
        assert killed.status == TaskResultStatus.READY
        assert alive.status == remote.status == TaskResultStatus.RUNNING
    finally:
        living.kill()
        living.wait()


def test_it_gives_a_plain_db_worker_without_heartbeat_hours_before_taking_over():
    recent = running_task(["plain"], started_ago=datetime.timedelta(minutes=30))
    old = running_task(["plain"], started_ago=datetime.timedelta(hours=7))
    assert tasks_recover_stale() == 1
    recent.refresh_from_db()
    old.refresh_from_db()
    assert (recent.status, old.status) == (TaskResultStatus.RUNNING, TaskResultStatus.READY)


def test_a_task_that_keeps_losing_its_worker_fails_instead_of_looping(settings):
    settings.WORKER_TASK_MAX_RUNS = 3
    beat("c", datetime.timedelta(minutes=5))
    task = running_task(["a", "b", "c"])
    assert tasks_recover_stale() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "leerkring.core.worker.WorkerLost"


def make_worker():
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def test_a_database_outage_does_not_end_the_worker_and_the_cut_task_runs_again(monkeypatch):
    task = running_task(["test-worker"])
    worker = make_worker()
    monkeypatch.setattr(worker.heart, "start", lambda: None)
    monkeypatch.setattr(worker.heart, "join", lambda timeout=None: None)
    monkeypatch.setattr(worker_module.connections, "close_all", lambda: None)
    monkeypatch.setattr(worker_module.time, "sleep", lambda seconds: None)
    rounds = []

    def tick():
        rounds.append(1)
        if len(rounds) == 1:
            worker.current_task = (task.pk, ["test-worker"])
            raise OperationalError("server closed the connection unexpectedly")
        worker.running = False
        return False

    monkeypatch.setattr(worker, "tick", tick)
    worker.run()
    assert len(rounds) == 2, "the worker went on after the outage"
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY, "the task cut off by the outage runs again"


def test_periodic_jobs_run_when_due_and_errors_do_not_stop_them(monkeypatch):
    calls = []
    monkeypatch.setattr(worker_module, "_periodic", {})
    worker_module.register_periodic("ok", 60, lambda **kw: calls.append("ok"))

    def broken(**kw):
        calls.append("broken")
        raise RuntimeError("bug")

    worker_module.register_periodic("broken", 60, broken)
    worker = make_worker()
    worker.run_periodic()
    worker.run_periodic()
    assert sorted(calls) == ["broken", "ok"], "each once per interval, a failing one included"
