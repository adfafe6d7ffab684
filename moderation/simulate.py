"""A seeded migration-surge simulator: realistic posts with ground truth, no data files needed.

Shape (RedNote, January 2025): a steady Chinese-speaking base, and a wave of new English-speaking
accounts whose daily volume grows ~11x over a week (0.3M → 3.4M US daily users). On top of that:
local welcome posts (simplified and traditional), mixed-language posts, spam waves (bursts of a
mutated template from fresh accounts) and toxic posts in both languages and directions.

Each post carries `sim` (kind, wave, variant); the pipeline drops it at parse time.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from moderation import surge_phrases as ph

START = datetime(2025, 1, 13, tzinfo=UTC)
DAYS = 7
# Daily US users in millions over the surge week; Chinese base stays flat at ~3.0.
NEWCOMER_CURVE = [0.3, 0.7, 1.6, 2.6, 3.1, 3.3, 3.4]
BASE_CURVE = [3.0] * DAYS
SPAM_SHARE = 0.07
TOXIC_SHARE = 0.04
WAVE_HOURS = 3.0
DAY_WEIGHTS = [b + c for b, c in zip(BASE_CURVE, NEWCOMER_CURVE, strict=True)]
KINDS = ("friendly_newcomer", "welcome_zh", "mixed_friendly", "chatter_zh", "spam", "toxic")


def simulate(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """Yield `n` posts in time order; same seed, same posts."""
    rng = random.Random(seed)
    times = sorted(_draw_time(rng) for _ in range(n))
    waves = _plan_waves(rng, max(3, n // 400))
    for i, t in enumerate(times):
        yield _make_post(rng, i, t, waves, seed)


def _draw_time(rng: random.Random) -> datetime:
    day = rng.choices(range(DAYS), weights=DAY_WEIGHTS)[0]
    return START + timedelta(days=day, seconds=rng.uniform(0, 86400))


def _plan_waves(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Spam waves: a template, a script variant and a burst window."""
    families = [("zh", ph.SPAM_ZH), ("zht", ph.SPAM_ZH_TRADITIONAL), ("en", ph.SPAM_EN)]
    families.append(("mixed", ph.SPAM_MIXED))
    waves = []
    for w in range(count):
        variant, bank = families[w % len(families)]
        start = START + timedelta(hours=rng.uniform(0, DAYS * 24 - WAVE_HOURS))
        waves.append(
            {
                "id": f"w{w:03d}",
                "variant": variant,
                "template": rng.choice(bank),
                "start": start,
                "end": start + timedelta(hours=WAVE_HOURS),
            }
        )
    return waves


def _kind_for(rng: random.Random, t: datetime) -> str:
    day = min((t - START).days, DAYS - 1)
    newcomer = NEWCOMER_CURVE[day] / (NEWCOMER_CURVE[day] + BASE_CURVE[day])
    r = rng.random()
    if r < SPAM_SHARE:
        return "spam"
    if r < SPAM_SHARE + TOXIC_SHARE:
        return "toxic"
    r = rng.random()
    if r < newcomer * 0.85:
        return "friendly_newcomer"
    if r < newcomer:
        return "mixed_friendly"
    return "welcome_zh" if rng.random() < 0.35 else "chatter_zh"


def _make_post(
    rng: random.Random, i: int, t: datetime, waves: list[dict[str, Any]], seed: int
) -> dict[str, Any]:
    kind = _kind_for(rng, t)
    sim: dict[str, Any] = {"kind": kind}
    links: list[str] = []
    if kind == "spam":
        wave = _wave_at(rng, waves, t)
        text, links = _spam_text(rng, wave["template"])
        sim.update(wave=wave["id"], variant=wave["variant"])
        author = _author(rng, t, "spammer")
    elif kind == "toxic":
        zh = rng.random() < 0.5
        text = _fill(rng, rng.choice(ph.TOXIC_ZH if zh else ph.TOXIC_EN))
        sim["variant"] = "zh" if zh else "en"
        author = _author(rng, t, "newcomer" if not zh and rng.random() < 0.5 else "local")
    else:
        text, variant = _benign_text(rng, kind)
        sim["variant"] = variant
        if "link in my bio" in text:
            links = ["https://open.spotify.com/playlist/" + _handle(rng, 10)]
        author = _author(
            rng, t, "newcomer" if kind in ("friendly_newcomer", "mixed_friendly") else "local"
        )
    post = {
        "id": f"s{seed}-{i:07d}",
        "text": text,
        "created_at": _iso(t),
        "author": author,
        "links": links,
        "sim": sim,
    }
    if i and rng.random() < 0.1:
        post["reply_to"] = f"s{seed}-{rng.randrange(i):07d}"
    return post


def _wave_at(rng: random.Random, waves: list[dict[str, Any]], t: datetime) -> dict[str, Any]:
    active = [w for w in waves if w["start"] <= t <= w["end"]]
    return rng.choice(active or waves)


def _benign_text(rng: random.Random, kind: str) -> tuple[str, str]:
    if kind == "friendly_newcomer":
        return _fill(rng, rng.choice(ph.NEWCOMER_EN)), "en"
    if kind == "mixed_friendly":
        return _fill(rng, rng.choice(ph.MIXED_FRIENDLY)), "mixed"
    if kind == "welcome_zh":
        if rng.random() < 0.3:
            return _fill(rng, rng.choice(ph.WELCOME_ZH_TRADITIONAL)), "zht"
        return _fill(rng, rng.choice(ph.WELCOME_ZH_SIMPLIFIED)), "zh"
    return _fill(rng, rng.choice(ph.CHATTER_ZH)), "zh"


def _spam_text(rng: random.Random, template: str) -> tuple[str, list[str]]:
    link = f"https://{rng.choice(ph.SPAM_DOMAINS)}/{_handle(rng, 6)}"
    values = {
        "contact_zh": rng.choice(ph.CONTACT_ZH),
        "contact_zht": rng.choice(ph.CONTACT_ZHT),
        "job_zh": rng.choice(ph.JOBS_ZH),
        "job_zht": rng.choice(ph.JOBS_ZHT),
        "casino_zh": rng.choice(ph.CASINOS_ZH),
        "leet_followers": rng.choice(ph.LEET_FOLLOWERS),
        "money": str(rng.choice([88, 100, 200, 300, 500, 888])),
        "pct": str(rng.randint(3, 30)),
        "tg": "@" + _handle(rng, 8),
        "phone": f"+1 {rng.randint(200, 999)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}",
        "link": link,
    }
    text = template.format(**values)
    text = text.format(handle=_handle(rng, 8), qq=str(rng.randint(10**7, 10**10)))
    # Spammers mutate each copy a little so exact-duplicate filters miss them.
    text += rng.choice(["", " ", "!", "~", " 🔥", " 💰", "。", " ✅"])
    return text, [link] if "{link}" in template else []


def _fill(rng: random.Random, template: str) -> str:
    fields = {k: rng.choice(v) for k, v in ph.FILLERS.items()}
    fields["n"] = str(rng.randint(2, 40))
    fields["group_en"] = rng.choice(ph.GROUPS_EN)
    fields["group_zh"] = rng.choice(ph.GROUPS_ZH)
    return template.format(**fields)


def _author(rng: random.Random, t: datetime, persona: str) -> dict[str, Any]:
    if persona == "local":
        age = timedelta(days=rng.uniform(60, 3000))
        return {
            "id": f"u-zh-{rng.randrange(40_000)}",
            "created_at": _iso(t - age),
            "followers": rng.randint(5, 5000),
            "following": rng.randint(5, 800),
            "posts_count": rng.randint(10, 3000),
        }
    if persona == "newcomer":
        age = timedelta(hours=rng.uniform(0.5, max(1.0, (t - START).total_seconds() / 3600)))
        return {
            "id": f"u-en-{rng.randrange(200_000)}",
            "created_at": _iso(t - age),
            "followers": rng.randint(0, 120),
            "following": rng.randint(0, 300),
            "posts_count": rng.randint(0, 25),
        }
    age = timedelta(hours=rng.uniform(0.1, 48))
    return {
        "id": f"u-sp-{rng.randrange(3_000)}",
        "created_at": _iso(t - age),
        "followers": rng.randint(0, 5),
        "following": rng.randint(200, 3000),
        "posts_count": rng.randint(30, 800),
    }


def _handle(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=length))


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
