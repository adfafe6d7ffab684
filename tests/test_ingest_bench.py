"""The end-to-end bench keeps running: a CI-sized run completes and prints its whole table.

No timing is asserted (CI machines vary); what must not rot is the bench itself.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


def test_the_quick_ingest_bench_prints_every_row() -> None:
    out = subprocess.run(
        [sys.executable, "bench/ingest_bench.py", "--quick"],
        capture_output=True,
        cwd=REPO,
        check=True,
        timeout=600,
        text=True,
    ).stdout
    assert "2,000 posts, 1,000 rules" in out
    for row in ("SQLite, --jobs 1", "SQLite, --jobs 2", "bert-base (Detoxify), 2 thr"):
        assert re.search(rf"^{re.escape(row)}\s+[\d,.]+", out, re.MULTILINE), row
    for stage in ("moderation.parse", "moderation.classifiers", "moderation.rules", "db.store"):
        assert re.search(rf"^{re.escape(stage)}\s+[\d,.]+$", out, re.MULTILINE), stage
