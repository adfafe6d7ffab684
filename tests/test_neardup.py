"""Near-duplicate waves collapse into few clusters; unrelated posts stay apart; bounded memory."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from moderation.neardup import NearDuplicateIndex, signature_text
from moderation.types import Author, Post

T0 = datetime(2025, 1, 13, tzinfo=UTC)


def _post(i: int, text: str, minutes: float = 0.0) -> Post:
    return Post(
        id=f"p{i}", text=text, author=Author(id="a"), created_at=T0 + timedelta(minutes=minutes)
    )


def _wave(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    jobs, contacts = ["兼职刷单", "在家兼职", "点赞兼职"], ["加微信", "加V：", "薇信", "加 微 信 "]
    out = []
    for _ in range(n):
        handle = "".join(rng.choices("abcdefghijk0123456789", k=8))
        tail = rng.choice(["", "!", "~", " 🔥", "。"])
        money = rng.choice([88, 200, 500])
        out.append(f"{rng.choice(jobs)}，日结{money}元，有意者{rng.choice(contacts)}{handle}{tail}")
    return out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("b u y  f o l l o w e r s!!", "buyfollowers"), ("日结200元，加V：ab12", "日结0元加vab0")],
)
def test_signature_text_drops_spacing_punctuation_and_digit_values(raw: str, expected: str) -> None:
    assert signature_text(raw) == expected


def test_a_mutated_template_wave_collapses_into_few_clusters() -> None:
    index = NearDuplicateIndex()
    clusters = index.assign([_post(i, t) for i, t in enumerate(_wave(300))])
    assert len({c.id for c in clusters}) <= 5
    assert max(c.size for c in clusters) >= 100


def test_unrelated_posts_stay_apart() -> None:
    texts = [
        "今天的火锅太好吃了",
        "hello from Ohio, nice to meet you all",
        "猫猫又把花盆打翻了",
        "how do you say thank you in Chinese?",
        "周末去成都玩，有什么推荐的吗？",
    ]
    clusters = NearDuplicateIndex().assign([_post(i, t) for i, t in enumerate(texts)])
    assert len({c.id for c in clusters}) == len(texts)


def test_growth_counts_only_the_recent_window() -> None:
    index = NearDuplicateIndex(window_s=600)
    posts = [_post(i, "free followers dm me now", minutes=i * 4) for i in range(10)]
    last = index.assign(posts)[-1]
    assert last.size == 10
    assert last.growth == 3  # posts at 28, 32, 36 minutes: within 10 minutes of the last


def test_clusters_persist_across_batches() -> None:
    index = NearDuplicateIndex()
    first = index.assign([_post(0, "claim your free usdt airdrop now")])[0]
    second = index.assign([_post(1, "claim your free usdt airdrop now!!")])[0]
    assert second.id == first.id and second.size == 2


def test_memory_is_bounded_by_capacity() -> None:
    index = NearDuplicateIndex(capacity=50)
    index.assign(
        [
            _post(i, f"unique post number {i} about {'abcdefghij'[i % 10] * (i % 7 + 3)}")
            for i in range(500)
        ]
    )
    assert index.clusters_held <= 50


def test_empty_and_one_character_posts_get_clusters() -> None:
    clusters = NearDuplicateIndex().assign(
        [_post(0, ""), _post(1, "!"), _post(2, "a"), _post(3, "a")]
    )
    assert clusters[0].id != clusters[1].id  # nothing to compare: never merged
    assert clusters[3].id == clusters[2].id


def test_a_batch_is_signed_in_slices_with_the_same_signatures(monkeypatch) -> None:
    texts = ["buy followers now 100", "", "加微信 abc123 日结", "x", "the same wave again " * 5]
    whole = NearDuplicateIndex().signatures(texts)
    monkeypatch.setattr("moderation.neardup.CHUNK_CHARS", 8)  # most posts alone in a slice
    assert (NearDuplicateIndex().signatures(texts) == whole).all()
