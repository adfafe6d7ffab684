"""The engine: evasions are folded away, Han matches inside words, Latin on word edges, and
spans point into the original text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from moderation.types import Author, Cluster, Post, PostContext
from rules import Ruleset, load_ruleset, reload
from rules.normalise import Folder

NOW = datetime(2025, 1, 15, tzinfo=UTC)

PACK = """
lists:
  contact_words:
    description: WeChat contact cues
    terms: [加微信, wechat]
  sellers:
    description: follower selling
    terms: [free followers, 刷粉]
rules:
  - id: contact_words
    description: contact cue words
    action: review
    status: live
    when: {matches_list: contact_words}
  - id: sellers
    description: follower sellers
    action: remove
    status: live
    when: {matches_list: sellers}
  - id: cat_word
    description: the word cat only
    action: label
    status: live
    when: {contains: [cat]}
"""


@pytest.fixture
def ruleset_from_yaml(tmp_path: Path) -> Callable[[str], Ruleset]:
    def make(text: str) -> Ruleset:
        path = tmp_path / "policy.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return load_ruleset(path)

    return make


def context(text: str, lang: str = "en", **author: object) -> PostContext:
    age = author.pop("age_days", None)
    created = None if age is None else NOW - timedelta(days=float(age))  # type: ignore[arg-type]
    cluster = author.pop("cluster", None)
    scores = author.pop("scores", {})
    links = author.pop("links", ())
    post = Post(
        id="p",
        text=text,
        author=Author(id="a", created_at=created, **author),  # type: ignore[arg-type]
        created_at=NOW,
        links=tuple(links),
    )  # type: ignore[arg-type]
    return PostContext(
        post=post,
        lang=lang,
        scores=scores,  # type: ignore[arg-type]
        cluster=None if cluster is None else Cluster("c", int(cluster)),
    )  # type: ignore[call-overload]


def hit_ids(ruleset: Ruleset, text: str) -> set[str]:
    return {h.rule_id for h in ruleset.evaluate([context(text)])[0]}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("fr33 f0ll0wers here", "sellers"),  # leetspeak
        ("FREE FOLLOWERS", "sellers"),  # case
        ("ｆｒｅｅ ｆｏｌｌｏｗｅｒｓ", "sellers"),  # full-width
        ("frее fоllоwеrs", "sellers"),  # Cyrillic е and о
        ("f r e e  f o l l o w e r s", "sellers"),  # spaced out
        ("free fol\u200blowers", "sellers"),  # zero-width space
        ("free 🔥followers", "sellers"),  # emoji inserted
        ("加 微 信 abc", "contact_words"),  # separators between Han
        ("加.微.信", "contact_words"),
        ("加微信", "contact_words"),
        ("快来加微信吧", "contact_words"),  # Han matches inside unspaced text
        ("w.e.c.h.a.t me", "contact_words"),
        ("刷粉丝啦", "sellers"),
        ("低價刷粉", "sellers"),  # traditional folded to simplified
    ],
)
def test_evasions_are_folded_away(
    ruleset_from_yaml: Callable[[str], Ruleset], text: str, rule: str
) -> None:
    assert rule in hit_ids(ruleset_from_yaml(PACK), text)


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("my cat is here", {"cat_word"}),
        ("category theory", set()),  # Latin terms need word edges
        ("concatenate", set()),
        ("我的cat叫Mochi", {"cat_word"}),  # a Han neighbour is a word edge
        ("is this like WeChat or something different?", {"contact_words"}),
        ("cats", set()),
    ],
)
def test_latin_terms_match_whole_words_only(
    ruleset_from_yaml: Callable[[str], Ruleset], text: str, hits: set[str]
) -> None:
    assert hit_ids(ruleset_from_yaml(PACK), text) == hits


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("hey fr33 f0ll0wers!", ["fr33 f0ll0wers"]),
        ("ok 加 微 信 now", ["加 微 信"]),
        ("👋 ＦＲＥＥ　ｆｏｌｌｏｗｅｒｓ 👋", ["ＦＲＥＥ\u3000ｆｏｌｌｏｗｅｒｓ"]),
        ("低價刷粉!", ["刷粉"]),
    ],
)
def test_spans_point_into_the_original_text(
    ruleset_from_yaml: Callable[[str], Ruleset], text: str, matched: list[str]
) -> None:
    hits = ruleset_from_yaml(PACK).evaluate([context(text)])[0]
    assert [text[a:b] for h in hits for a, b in h.spans] == matched


def test_a_rule_can_opt_out_of_a_fold(ruleset_from_yaml: Callable[[str], Ruleset]) -> None:
    ruleset = ruleset_from_yaml("""
    rules:
      - id: literal_digits
        description: matches the digits as written
        action: review
        status: live
        skip_folds: [leet]
        when: {matches_regex: 'a1b2'}
      - id: folded
        description: sees leetspeak folded
        action: review
        status: live
        when: {matches_regex: 'aibz'}
    """)
    assert hit_ids(ruleset, "code a1b2 here") == {"literal_digits"}


CONDITIONS = """
rules:
  - id: combined
    description: new accounts with few followers in a big cluster
    action: review
    status: live
    when:
      all:
        - account_age_days: {at_most: 2}
        - followers: {at_most: 10}
        - cluster_size: {at_least: 5}
        - not: {lang: [zh]}
  - id: scored
    description: high spam score with a shortened link
    action: remove
    status: live
    when:
      all:
        - score: spam
          at_least: 0.8
        - link_domain: [bit.ly]
  - id: handle
    description: a telegram or whatsapp handle
    action: review
    status: shadow
    when: {contact: [telegram, whatsapp]}
"""


@pytest.mark.parametrize(
    ("ctx", "hits"),
    [
        (context("hi", age_days=1, followers=3, cluster=9), {"combined"}),
        (context("hi", lang="zh", age_days=1, followers=3, cluster=9), set()),
        (context("hi", age_days=1, followers=3), set()),  # no cluster known: false
        (context("hi", followers=3, cluster=9), set()),  # unknown age: false
        (context("see https://bit.ly/x", scores={"spam": 0.9}), {"scored"}),
        (context("see x", links=["https://www.bit.ly/x"], scores={"spam": 0.9}), {"scored"}),
        (context("see https://bit.ly/x", scores={"spam": 0.1}), set()),
        (context("DM me on telegram @fastgrow88"), {"handle"}),
        (context("WhatsApp +1 415 555 0199"), {"handle"}),
        (context("is telegram like whatsapp?"), set()),
    ],
)
def test_conditions_over_author_scores_links_and_clusters(
    ruleset_from_yaml: Callable[[str], Ruleset], ctx: PostContext, hits: set[str]
) -> None:
    assert {h.rule_id for h in ruleset_from_yaml(CONDITIONS).evaluate([ctx])[0]} == hits


def test_shadow_hits_are_marked_and_drafts_never_run(
    ruleset_from_yaml: Callable[[str], Ruleset],
) -> None:
    ruleset = ruleset_from_yaml(CONDITIONS.replace("status: live", "status: draft", 1))
    hits = ruleset.evaluate([context("telegram: fastgrow88", age_days=1, followers=1, cluster=9)])
    assert [(h.rule_id, h.shadow) for h in hits[0]] == [("handle", True)]


def test_evaluate_is_batched_and_keeps_input_order(
    ruleset_from_yaml: Callable[[str], Ruleset],
) -> None:
    ruleset = ruleset_from_yaml(PACK)
    out = ruleset.evaluate([context("my cat"), context("nothing"), context("加微信")])
    assert [[h.rule_id for h in hits] for hits in out] == [["cat_word"], [], ["contact_words"]]


def test_the_version_is_the_content_hash(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(PACK, encoding="utf-8")
    first = load_ruleset(tmp_path).version
    assert load_ruleset(tmp_path).version == first
    (tmp_path / "a.yaml").write_text(PACK.replace("[cat]", "[dog]"), encoding="utf-8")
    assert load_ruleset(tmp_path).version != first


def test_reload_keeps_the_last_good_pack(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(PACK, encoding="utf-8")
    good = load_ruleset(tmp_path)
    (tmp_path / "a.yaml").write_text(
        PACK.replace("action: remove", "action: ban"), encoding="utf-8"
    )
    kept, errors = reload(tmp_path, good)
    assert kept is good and errors and "ban" in errors[0].message


@pytest.mark.parametrize(
    "text",
    [
        "fr33 f0ll0wers",
        "加 微 信 abc123",
        "ΟΔΟΣ İstanbul ß",
        "ｆｕｌｌ　ｗｉｄｔｈ",
        "a\u0301b",
        "😀x😀",
    ],
)
def test_fast_and_offset_folds_agree(text: str) -> None:
    folder = Folder()
    folded, offsets = folder.fold_with_offsets(text)
    assert folder.fold(text) == folded and len(offsets) == len(folded) + 1
