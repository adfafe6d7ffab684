"""`python -m moderation simulate | score`: the no-database path, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

VERDICT_FIELDS = {"id", "action", "scores", "rules", "reasons", "rules_version", "lang"}


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "moderation", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        check=False,
        timeout=300,
    )


def test_simulate_writes_the_requested_number_of_posts() -> None:
    out = run("simulate", "--posts", "50", "--seed", "3")
    assert out.returncode == 0
    assert len(out.stdout.splitlines()) == 50
    assert out.stdout == run("simulate", "--posts", "50", "--seed", "3").stdout


def test_score_gives_one_valid_verdict_per_post(surge_file: Path) -> None:
    out = run("score", str(surge_file))
    assert out.returncode == 0, out.stderr.decode()
    verdicts = [json.loads(line) for line in out.stdout.splitlines()]
    posts = [json.loads(line) for line in surge_file.read_bytes().splitlines()]
    assert [v["id"] for v in verdicts] == [p["id"] for p in posts]
    for v in verdicts:
        assert set(v) >= VERDICT_FIELDS
        assert v["action"] in ("allow", "review", "remove")
        assert v["lang"] in ("en", "zh", "mixed", "other")
        assert all(0.0 <= p <= 1.0 for p in v["scores"].values())
        assert {"toxicity", "spam"} <= set(v["scores"])
        assert len(v["reasons"]) >= (v["action"] != "allow")
    assert {"en", "zh"} <= {v["lang"] for v in verdicts}
    assert {"allow", "review"} <= {v["action"] for v in verdicts} or {"allow", "remove"} <= {
        v["action"] for v in verdicts
    }


def test_score_reports_malformed_lines_and_goes_on() -> None:
    good = b'{"id": "a", "text": "hi", "author": {"id": "u"}}'
    out = run("score", "-", stdin=b"\n".join([good, b"{oops", good.replace(b'"a"', b'"b"')]))
    assert out.returncode == 0
    assert [json.loads(v)["id"] for v in out.stdout.splitlines()] == ["a", "b"]
    assert b"-:2: skipped: invalid JSON" in out.stderr


def test_an_unknown_classifier_is_a_clear_error() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "moderation", "score", "-"],
        input=b"",
        capture_output=True,
        cwd=REPO,
        check=False,
        env={"CLASSIFIERS": "keywords.v2", "PATH": "/usr/bin"},
    )
    assert out.returncode == 2
    assert b"did you mean 'keywords.v1'" in out.stderr
