"""Fault runs with real processes: a scratch database of their own (a migrated SQLite file, or a
scratch database on the test suite's PostgreSQL server), task workers started with
`manage.py run_worker` and killed with SIGKILL, and the test's SMTP server.

The scratch database is not the test suite's database: the workers are separate processes and
must see committed rows, which the suite's in-memory SQLite database and its per-test
transactions do not offer.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parents[2]

# What the "Versturen" button of a newsletter issue does (dissemination.views.issue_publish calls
# services.issue_publish), for a newsletter of its own with `count` confirmed subscribers
# abonnee<start>… : the issue is published and its send task queued for a worker. Prints the
# issue's id.
ISSUE_PUBLISH = """
import sys
from django.db import transaction
from django.utils import timezone
from leerkring.accounts.models import ProgrammeRole
from leerkring.dissemination import services
from leerkring.dissemination.models import Subscriber
from tests import factories
count, start = int(sys.argv[1]), int(sys.argv[2])
editor = ProgrammeRole.objects.filter(role=ProgrammeRole.Role.COORDINATOR).first()
editor = editor or factories.ProgrammeRoleFactory(role=ProgrammeRole.Role.COORDINATOR)
letter = factories.NewsletterFactory(
    programme=editor.programme, title=f"Programmanieuws {start}-{timezone.now():%H%M%S%f}"
)
issue = services.issue_create(newsletter=letter, by=editor.person.user, title="Voorjaar")
services.issue_item_add_text(
    issue=issue, title="Terugblik", body="Wat we dit kwartaal leerden.", by=editor.person.user
)
now = timezone.now()
Subscriber.objects.bulk_create(
    [Subscriber(newsletter=letter, email=f"abonnee{i}@example.nl", confirmed_at=now)
     for i in range(start, start + count)]
)
with transaction.atomic():
    services.issue_publish(issue=issue, by=editor.person.user)
print(issue.pk)
"""


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class ScratchDatabase:
    """A migrated database for worker processes: a SQLite file, or on PostgreSQL a database
    of its own next to the suite's, dropped afterwards."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="leerkring-faults-"))
        base = _postgres_url()
        if base:
            cfg = dj_database_url.parse(base)
            self.pg = cfg
            self.name = f"faults_{cfg['NAME']}_{os.getpid()}_{uuid.uuid4().hex[:6]}"[:60]
            self._admin("CREATE DATABASE {}")
            netloc = base.split("://", 1)[1].rsplit("/", 1)[0]
            self.url = f"postgres://{netloc}/{self.name}"
        else:
            self.pg = None
            self.url = f"sqlite:///{self.tmp / 'scratch.sqlite3'}"
        self.manage("migrate", "--no-input", "-v0")
        self.manage("createcachetable")

    def _connect(self, dbname: str) -> psycopg.Connection:
        cfg = self.pg
        return psycopg.connect(
            host=cfg["HOST"],
            port=cfg["PORT"] or 5432,
            user=cfg["USER"],
            password=cfg["PASSWORD"] or None,
            dbname=dbname,
            autocommit=True,
        )

    def _admin(self, sql: str) -> None:
        with self._connect("postgres") as conn:
            conn.execute(sql.format(f'"{self.name}"'))

    def terminate_connections(self) -> int:
        """What a database restart does to the workers: every connection to the scratch
        database is cut (pg_terminate_backend)."""
        with self._connect("postgres") as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            ).fetchall()
        return len(rows)

    def drop(self) -> None:
        if self.pg:
            try:
                self.terminate_connections()
                self._admin("DROP DATABASE IF EXISTS {}")
            except psycopg.Error:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self, **extra: object) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "leerkring.settings",
            "DEBUG": "false",
            "SECRET_KEY": "insecure-key-for-fault-runs",
            "LEERKRING_VAR_DIR": str(self.tmp),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("PYTEST_XDIST_WORKER", None)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def manage(self, *args: str, **env: object) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def python(self, code: str, *args: str, **env: object) -> str:
        script = "import django\ndjango.setup()\n" + code
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"script failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def issue_publish(self, count: int, *, start: int = 0) -> int:
        """Publish a newsletter issue to `count` subscribers abonnee<start>… the way its
        "Versturen" button does; a worker then runs its send task. Returns the issue's id."""
        return int(self.python(ISSUE_PUBLISH, str(count), str(start)).split()[-1])

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows read straight from the database (cheap enough to poll; a poll more often than
        every 10 ms or so keeps a SQLite writer from committing)."""
        if self.pg:
            with self._connect(self.name) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30)) as conn:
            return conn.execute(sql, params).fetchall()

    def outbox_clear(self) -> None:
        """Start a run with an empty outbox and task queue (without starting Django)."""
        statements = (
            "DELETE FROM outbox_attempt",
            "DELETE FROM outbox_message",
            "DELETE FROM django_tasks_database_dbtaskresult",
        )
        if self.pg:
            with self._connect(self.name) as conn:
                for statement in statements:
                    conn.execute(statement)
            return
        path = self.url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path, timeout=30)) as conn, conn:
            for statement in statements:
                conn.execute(statement)

    def states(self) -> dict[str, int]:
        """Outbox rows per state."""
        return dict(self.query("SELECT state, COUNT(*) FROM outbox_message GROUP BY state"))

    def deliveries(self, issue_id: int) -> dict[str, int]:
        """The issue's `Delivery` rows per status (written batch by batch by its send task)."""
        return dict(
            self.query(
                "SELECT status, COUNT(*) FROM dissemination_delivery WHERE issue_id = ? "
                "GROUP BY status",
                (issue_id,),
            )
        )

    def issue_status(self, issue_id: int) -> str:
        return self.query(
            "SELECT status FROM dissemination_newsletterissue WHERE id = ?", (issue_id,)
        )[0][0]

    def tasks(self, name: str) -> dict[str, int]:
        """Task results of the task `name` per status."""
        return dict(
            self.query(
                "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult "
                "WHERE task_path LIKE ? GROUP BY status",
                (f"%.{name}",),
            )
        )


class WorkerProcess:
    """`manage.py run_worker` in a process of its own, sending to the test's SMTP server."""

    def __init__(self, db: ScratchDatabase, smtp_port: int, name: str, **settings_env) -> None:
        self.log = db.tmp / f"{name}.log"
        env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": smtp_port,
            "EMAIL_TIMEOUT": 5,
            "LOG_LEVEL": "INFO",
            **settings_env,
        }
        self.handle = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--worker-id",
                name,
            ],
            cwd=ROOT,
            env=db.env(**env),
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """kill -9: no clean-up, no chance to finish the message in hand."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.handle.close()

    def output(self) -> str:
        return self.log.read_text()


def wait_until(condition, *, timeout: float, interval: float = 0.1) -> float:
    """Seconds until `condition()` held; raises after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    raise TimeoutError(f"not within {timeout} s")


def fast_settings(**overrides: object) -> dict[str, object]:
    """Short leases and back-offs, so a fault run takes seconds (production uses the defaults
    in settings.py: a 30 s lease, retries from 60 s)."""
    values = {
        "OUTBOX_LEASE_SECONDS": 5,
        "OUTBOX_POLL_SECONDS": 0.5,
        "OUTBOX_RETRY_BASE_SECONDS": 0.5,
        "OUTBOX_RETRY_MAX_SECONDS": 2,
        "OUTBOX_PAUSE_BASE_SECONDS": 0.5,
        "OUTBOX_PAUSE_MAX_SECONDS": 2,
        "WORKER_HEARTBEAT_SECONDS": 1,
        "WORKER_LEASE_SECONDS": 5,
        "WORKER_RECONNECT_MAX_SECONDS": 2,
    }
    values.update(overrides)
    return values
