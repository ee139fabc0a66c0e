#!/usr/bin/env bash
# Run the given test command against PostgreSQL at the URL in $1 (pytest-django creates its own
# test database next to it). Without a reachable server a developer's run is skipped with a
# message; in CI (CI=true) PostgreSQL is required and its absence fails the run.
set -euo pipefail

url=$1
shift

reachable() {
  .venv/bin/python - "$url" <<'PY'
import sys

import dj_database_url
import psycopg

cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(
        host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
        password=cfg["PASSWORD"] or None, dbname=cfg["NAME"], connect_timeout=3,
    ).close()
except psycopg.OperationalError as exc:
    print(f"PostgreSQL not reachable: {exc}".strip(), file=sys.stderr)
    sys.exit(1)
PY
}

if ! reachable; then
  if [[ ${CI:-} == true ]]; then
    # CI machines start PostgreSQL before the run; try once to bring a stopped cluster back.
    if command -v pg_ctlcluster >/dev/null 2>&1 && [[ -d /etc/postgresql ]]; then
      for version in /etc/postgresql/*; do
        pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
      done
      sleep 2
    fi
    if ! reachable; then
      echo "ERROR: CI=true and PostgreSQL is not reachable at $url; the suite must run on it." >&2
      exit 1
    fi
  else
    echo "SKIPPED: the PostgreSQL run (no server at $url). Set CI=true to make this an error."
    exit 0
  fi
fi

DATABASE_URL=$url exec "$@"
