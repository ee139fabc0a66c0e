"""`core.startup`: a server process freezes what start-up loaded, out of the collector's reach,
and does not load the export libraries before an export is made."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from leerkring.core.startup import settle_after_start


def test_it_loads_the_views_and_freezes_what_start_up_left():
    try:
        settle_after_start()

        assert "leerkring.search.views.search" in sys.modules
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_a_server_process_loads_no_export_library_at_start():
    # A fresh interpreter: the test process has imported them for other tests.
    script = (
        "import sys, leerkring.wsgi; "
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'weasyprint', 'docx', 'openpyxl'}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leerkring.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "startup-test-" + "x" * 50,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip().splitlines()[-1] == "[]"
