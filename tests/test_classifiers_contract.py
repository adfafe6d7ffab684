"""Every registered backend honours the protocol: batch in, list of label → [0, 1] dicts out."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation import classifiers
from moderation.classifiers.base import CANONICAL_LABELS
from moderation.classifiers.minilm import installed_base

SHIPPED_MODELS = Path(__file__).resolve().parent.parent / "moderation" / "models"


@pytest.fixture
def backend_options(tiny_detoxify_dir: Path) -> dict[str, dict[str, object]]:
    return {
        "linear.v2": {"models_dir": SHIPPED_MODELS},
        "detoxify.original.v1": {"models_dir": tiny_detoxify_dir},
        "minilm.v1": {"models_dir": SHIPPED_MODELS, "base_dir": installed_base()},
    }


@pytest.mark.parametrize("name", classifiers.available())
@pytest.mark.parametrize(
    "texts",
    [
        ["hello", "you are awful"],
        ["欢迎美国朋友来小红书！", "加微信abc123，日结500元", "", "🙂" * 3],
        ["x" * 5000],
    ],
    ids=["english", "chinese-empty-emoji", "long"],
)
def test_backend_contract(name: str, texts: list[str], backend_options) -> None:
    clf = classifiers.create(name, **backend_options.get(name, {}))
    assert clf.name == name
    assert set(clf.labels) <= set(CANONICAL_LABELS)
    out = clf.predict_proba(texts)
    assert isinstance(out, list) and len(out) == len(texts)
    for row in out:
        assert set(row) <= set(clf.labels)
        assert all(isinstance(p, float) and 0.0 <= p <= 1.0 for p in row.values())


@pytest.mark.parametrize("name", classifiers.available())
def test_empty_batch_gives_empty_list(name: str, backend_options) -> None:
    assert classifiers.create(name, **backend_options.get(name, {})).predict_proba([]) == []
