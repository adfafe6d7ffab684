"""The house plan, checked: the pipeline is pure and data flows one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

# The command-line edge may read the environment and open the input it is given; the training
# and evaluation commands read the labelled corpora and the simulator's ground truth on purpose.
EDGES = {
    "moderation/__main__.py",
    "moderation/cli.py",
    "moderation/training_cli.py",
    "moderation/corpora.py",
    "moderation/evaluation.py",
}
PIPELINE = sorted(
    p for p in (REPO / "moderation").rglob("*.py") if str(p.relative_to(REPO)) not in EDGES
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PIPELINE, ids=lambda p: str(p.relative_to(REPO)))
def test_the_pipeline_imports_nothing_from_db_or_dashboard(path: Path) -> None:
    bad = {m for m in imported_modules(path) if m.split(".")[0] in ("db", "dashboard")}
    assert not bad, f"{path} imports {bad}"


# Modules that load the model and rules artifacts they are handed (a path from the edge).
ARTIFACT_LOADERS = {"moderation/classifiers/linear.py", "moderation/classifiers/minilm.py"}
FILE_CALLS = {"open", "read_text", "read_bytes", "load", "loadtxt"}


def names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return names | {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


@pytest.mark.parametrize("path", PIPELINE, ids=lambda p: str(p.relative_to(REPO)))
def test_the_pipeline_reads_no_environment(path: Path) -> None:
    assert not {"environ", "getenv", "putenv"} & names_used(path)


@pytest.mark.parametrize("path", PIPELINE, ids=lambda p: str(p.relative_to(REPO)))
def test_the_pipeline_opens_no_files_but_its_artifacts(path: Path) -> None:
    if str(path.relative_to(REPO)) in ARTIFACT_LOADERS:
        return
    assert not FILE_CALLS & names_used(path), f"{path} opens files"


def test_pages_hold_no_sql() -> None:
    for page in (REPO / "dashboard/app_pages").glob("*.py"):
        modules = imported_modules(page)
        assert not any(m.startswith(("sqlalchemy", "db.models")) for m in modules), page


def test_the_pipeline_never_reads_the_simulator_ground_truth() -> None:
    for path in PIPELINE:
        if path.name in ("simulate.py", "surge_phrases.py"):
            continue
        assert '"sim"' not in path.read_text() and "'sim'" not in path.read_text(), path
