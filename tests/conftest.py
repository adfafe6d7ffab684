"""Shared fixtures: tiny, named, and real (no mocks of the database)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import orm

from db.engine import make_engine
from db.migrate import upgrade
from moderation.assemble import build_policy
from moderation.config import Settings
from moderation.pipeline import Policy
from moderation.simulate import simulate
from tests.servers import (
    create_database,
    drop_database,
    postgres_bindir,
    postgres_cluster,
    redis_process,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the whole run (see tests/servers.py)."""
    if postgres_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL for real, but it is not installed")
        pytest.skip("PostgreSQL is not installed; `make test` installs it")
    with postgres_cluster() as url:
        yield url


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database in the throwaway PostgreSQL cluster."""
    url = create_database(postgres_server)
    yield url
    drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: an SQLite file, or a fresh database in the PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """One throwaway Redis server on loopback for the whole run."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test Redis for real, but redis-server is not installed")
        pytest.skip("redis-server is not installed; `make test` installs it")
    with redis_process() as url:
        yield url


@pytest.fixture
def Session(db_url: str) -> Iterator[orm.sessionmaker[orm.Session]]:
    """A sessionmaker over `db_url` with the schema migrated to head."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield orm.sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env({"RULES_DIR": str(REPO / "rules/policies")})


@pytest.fixture(scope="session")
def policy(settings: Settings) -> Policy:
    return build_policy(settings)


@pytest.fixture(scope="session")
def surge_lines() -> list[bytes]:
    """3,000 simulated posts as JSONL lines, seed 1."""
    return [json.dumps(p, ensure_ascii=False).encode() for p in simulate(3000, seed=1)]


@pytest.fixture
def surge_file(tmp_path: Path, surge_lines: list[bytes]) -> Path:
    path = tmp_path / "surge.jsonl"
    path.write_bytes(b"\n".join(surge_lines) + b"\n")
    return path


DETOXIFY_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def tiny_bert_config(folder: Path, words: list[str], *, width: int, layers: int, **extra):
    """A word-level vocabulary, its tokenizer and a tiny BERT config, saved in `folder`; torch's
    seed is set, so the model built from the config next is the same every run."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    transformers.BertTokenizerFast(str(folder / "vocab.txt")).save_pretrained(str(folder))
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=width,
        num_hidden_layers=layers,
        num_attention_heads=max(1, width // 8),
        intermediate_size=2 * width,
        max_position_embeddings=64,
        **extra,
    )
    config.save_pretrained(str(folder))
    torch.manual_seed(0)
    return config


@pytest.fixture(scope="session")
def tiny_detoxify_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Detoxify-format checkpoint of a 1-layer, 8-wide BERT, plus its config/tokenizer folder."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("detoxify")
    hf = folder / "bert-base-uncased"
    hf.mkdir()
    words = ["you", "are", "an", "idiot", "hello"]
    config = tiny_bert_config(hf, words, width=8, layers=1, num_labels=len(DETOXIFY_CLASSES))
    model = transformers.BertForSequenceClassification(config)
    checkpoint = {
        "config": {
            "arch": {
                "args": {
                    "model_type": str(hf),
                    "model_name": "BertForSequenceClassification",
                    "tokenizer_name": "BertTokenizer",
                    "num_classes": len(DETOXIFY_CLASSES),
                }
            },
            "dataset": {"args": {"classes": DETOXIFY_CLASSES}},
        },
        "state_dict": model.state_dict(),
    }
    torch.save(checkpoint, folder / "toxic_original-c1212f89.ckpt")
    return folder
