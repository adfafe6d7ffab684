"""The surge simulator: deterministic, bilingual, with ground truth the pipeline never reads."""

from __future__ import annotations

import collections
import json
from datetime import datetime

from moderation.contract import parse_line
from moderation.language import detect_lang
from moderation.simulate import KINDS, START, simulate


def test_the_same_seed_gives_the_same_posts() -> None:
    assert list(simulate(200, seed=7)) == list(simulate(200, seed=7))
    assert list(simulate(200, seed=7)) != list(simulate(200, seed=8))


def test_every_simulated_post_honours_the_contract() -> None:
    for post in simulate(500, seed=3):
        assert parse_line(json.dumps(post, ensure_ascii=False)).id == post["id"]


def test_a_surge_has_every_kind_and_both_languages(surge_lines: list[bytes]) -> None:
    posts = [json.loads(line) for line in surge_lines]
    kinds = collections.Counter(p["sim"]["kind"] for p in posts)
    assert set(kinds) == set(KINDS)
    langs = {detect_lang(p["text"]) for p in posts}
    assert {"en", "zh", "mixed"} <= langs
    variants = {p["sim"]["variant"] for p in posts if p["sim"]["kind"] == "spam"}
    assert {"zh", "zht", "en"} <= variants


def test_newcomers_arrive_in_a_wave(surge_lines: list[bytes]) -> None:
    posts = [json.loads(line) for line in surge_lines]
    share_by_day: dict[int, list[bool]] = collections.defaultdict(list)
    for p in posts:
        day = (datetime.fromisoformat(p["created_at"]) - START).days
        share_by_day[day].append(p["sim"]["kind"] in ("friendly_newcomer", "mixed_friendly"))
    first, last = min(share_by_day), max(share_by_day)
    assert sum(share_by_day[last]) / len(share_by_day[last]) > 2 * (
        sum(share_by_day[first]) / len(share_by_day[first])
    )


def test_spam_waves_are_mutated_copies_of_a_template(surge_lines: list[bytes]) -> None:
    posts = [json.loads(line) for line in surge_lines]
    by_wave = collections.defaultdict(list)
    for p in posts:
        if p["sim"]["kind"] == "spam":
            by_wave[p["sim"]["wave"]].append(p["text"])
    biggest = max(by_wave.values(), key=len)
    assert len(biggest) >= 5
    assert len(set(biggest)) > len(biggest) // 2  # mutated, not exact copies
