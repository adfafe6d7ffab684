"""Settings: one frozen dataclass, read from the environment only at the edges.

Library code never reads `os.environ`; `__main__.py`, `db/cli.py` and `dashboard/resources.py` call
`Settings.from_env(os.environ)` once and pass the values down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

# name → (default, help). The README's settings table is checked against this in tests.
SETTINGS: dict[str, tuple[str, str]] = {
    "DATABASE_URL": (
        "sqlite:///moderation.db",
        "SQLAlchemy URL of the database (SQLite or PostgreSQL)",
    ),
    "RULES_DIR": ("rules/policies", "folder of the live rules pack"),
    "RULES_SOURCE": (
        "dir",
        "`dir`: the pack in RULES_DIR (reviewed through git); `db`: the pack deployed from the "
        "workbench (RULES_DIR until the first deploy)",
    ),
    "MODELS_DIR": ("moderation/models", "folder of the trained model artifacts"),
    "CLASSIFIERS": (
        "linear.v2,detoxify.original.v1",
        "comma-separated classifier backends; minilm.* and detoxify.* re-score only the English "
        "posts the backends before them are unsure of (minilm.v1 is opt-in: see the README)",
    ),
    "MINILM_SCOPE": (
        "band",
        "posts minilm.v1 re-scores when it is in CLASSIFIERS: `band` (English posts the fast "
        "model scores >= 0.2 for toxicity, ~3% of a surge) or `every` (every English post, "
        "~30%: Jigsaw AUC 0.969-0.972)",
    ),
    "MINILM_PRECISION": (
        "auto",
        "arithmetic of minilm.v1's matrix products: `auto` (bfloat16 where the CPU does it in "
        "hardware, AVX512-BF16 or AMX, else float32), `fp32` or `bf16`",
    ),
    "BATCH_SIZE": ("2048", "posts scored and stored per transaction"),
    "REDIS_URL": ("redis://127.0.0.1:6379/0", "Redis holding the posts stream (publish, worker)"),
}


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    rules_dir: str
    rules_source: str
    models_dir: str
    classifiers: tuple[str, ...]
    minilm_scope: str
    minilm_precision: str
    batch_size: int
    redis_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from a mapping (the edge passes `os.environ`)."""
        value = {name: env.get(name) or default for name, (default, _) in SETTINGS.items()}
        return cls(
            database_url=value["DATABASE_URL"],
            rules_dir=value["RULES_DIR"],
            rules_source=value["RULES_SOURCE"],
            models_dir=value["MODELS_DIR"],
            classifiers=tuple(c.strip() for c in value["CLASSIFIERS"].split(",") if c.strip()),
            minilm_scope=value["MINILM_SCOPE"],
            minilm_precision=value["MINILM_PRECISION"],
            batch_size=int(value["BATCH_SIZE"]),
            redis_url=value["REDIS_URL"],
        )


assert {f.name.upper() for f in fields(Settings)} == set(SETTINGS)
