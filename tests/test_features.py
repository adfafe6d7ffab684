"""The vectorised featurizer equals a readable per-post reference, and posts never mix."""

from __future__ import annotations

import itertools
import re

import numpy as np
import opencc
import pytest

from moderation import cue_phrases_zh as ZH
from moderation import hashing
from moderation.cues import (
    _PATTERNS,
    CUE_NAMES,
    PHONE,
    RUN_CUES,
    compile_cue,
    cue_matrix,
    with_words,
)
from moderation.features import FeatureSpec, Featurizer, chunks
from moderation.hashing import SEP
from moderation.normalise import fold, fold_joined, in_both_scripts, join_spelled, unleet

SPEC = FeatureSpec(char_features=2**12, char_ngrams=(1, 5), word_features=2**10)
TEXTS = [
    "hello world",
    "欢迎美国朋友来小红书！",
    "歡迎TikTok難民，貓貓稅收到了 🐱",
    "",
    "a",
    "   spaced    out   ",
    "tab\t and\n\nnewlines \u3000 ideographic\u00a0space ",
    " \t ",
    "ＦＵＬＬ　ｗｉｄｔｈ　１２３",
    "emoji only 🙂🙂🙂🙂",
    "加微信abc12345，日结300元!!",
    "WINNER!! call 09061701461 now, www.prize.top",
    "zero\u200bwidth and soft\u00adhyphen",
    "nul\x00inside",
    "ids abc123 a1b2c3d4 123456 abcdefg x_9_y_z 中abc123 abc123中 ٣٣٣٣٣ 1234",
    "lone \ud800 surrogate",
    "you are a p a t h e t i c l0$er, a-d-d m.e",
    "x",
    "",
    "中",
]
BASE, MIX, PAIR, WORD_SALT = (
    0x100000001B3,
    0x9E3779B97F4A7C15,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
)
M64 = 2**64 - 1
T2S = opencc.OpenCC("t2s")
HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]"
TOKEN = re.compile(f"{HAN}|(?:(?!{HAN})\\w)+")


def poly(text: str) -> int:
    h = 0
    for ch in text:
        h = (h * BASE + ord(ch)) & M64
    return h


def bucket(h: int, salt: int, bits: int) -> int:
    h = (h + salt) & M64
    h ^= h >> 29
    return ((h * MIX) & M64) >> (64 - bits)


def reference(text: str, spec: FeatureSpec) -> tuple[list[int], list[int]]:
    """Char n-grams of each space-padded word, then words (each Han char one) and bigrams, with
    spelled-out words joined, leetspeak as letters, traditional Han simplified and digits as 0."""
    letters = unleet(join_spelled(fold(text.replace(SEP, ""))))  # spec.join_spelled, .unleet
    simplified = re.sub(HAN, lambda m: T2S.convert(m[0]), letters)  # spec.simplify_han
    folded = re.sub(r"\d", "0", simplified)  # spec.fold_digits
    cbits, wbits = spec.char_features.bit_length() - 1, spec.word_features.bit_length() - 1
    chars = [
        bucket(poly(padded[i : i + n]), n, cbits)
        for word in folded.split(" ")
        if word
        for padded in [f" {word} "]
        for n in range(spec.char_ngrams[0], spec.char_ngrams[1] + 1)
        for i in range(len(padded) - n + 1)
        if padded[i : i + n] != " "  # a lone pad is no unigram
    ]
    tokens = [poly(inner_sorted(t)) for t in TOKEN.findall(folded)]  # spec.sort_inner_letters
    words = [bucket(h, WORD_SALT, wbits) for h in tokens]
    words += [
        bucket((a * PAIR + b) & M64, WORD_SALT + 2, wbits) for a, b in itertools.pairwise(tokens)
    ]
    return sorted(chars), sorted(words)


def inner_sorted(word: str) -> str:
    return word[0] + "".join(sorted(word[1:-1])) + word[-1] if len(word) > 2 else word


def row_entries(matrix, row: int) -> list[int]:
    """Column indices of one row, each repeated by its count."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return sorted(np.repeat(matrix.indices[start:end], matrix.data[start:end].astype(int)).tolist())


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("你就是個廢物，滾", "你就是个废物，滚"),  # traditional Han as simplified
        ("歡迎TikTok難民 加微信abc", "欢迎TikTok难民 加微信abc"),
        ("you m0r0n, st0p", "you moron, stop"),  # leetspeak as letters
        ("women are d i s g u s t i n g", "women are disgusting"),  # spelled out
        ("st$$pid w.e.c.h.a.t", "stsspid wechat"),
    ],
)
def test_spelling_variants_share_the_ngrams_of_their_plain_form(variant, plain) -> None:
    chars, words, *_ = Featurizer(SPEC).counts([variant, plain])
    assert row_entries(chars, 0) == row_entries(chars, 1)
    assert row_entries(words, 0) == row_entries(words, 1)


@pytest.mark.parametrize(
    ("typo", "plain"),
    [
        ("immirgants are parasites", "immigrants are parasites"),
        ("you stpuid idoit", "you stupid idiot"),
        ("加微信abc12345", "加微信acb12345"),
    ],
)
def test_inner_letters_swapped_keep_the_words_of_their_plain_form(typo, plain) -> None:
    _, words, *_ = Featurizer(SPEC).counts([typo, plain])
    assert row_entries(words, 0) == row_entries(words, 1)


@pytest.mark.parametrize(("one", "other"), [("stab", "sbat"), ("stab", "slab"), ("tops", "spot")])
def test_a_different_first_or_last_letter_or_set_of_letters_is_another_word(one, other) -> None:
    _, words, *_ = Featurizer(SPEC).counts([one, other])
    assert row_entries(words, 0) != row_entries(words, 1)


def test_a_spec_stored_before_inner_letters_were_sorted_keeps_the_plain_words() -> None:
    stored = {k: v for k, v in SPEC.to_json().items() if k != "sort_inner_letters"}
    assert not FeatureSpec.from_json(stored).sort_inner_letters


def test_fold_joined_equals_fold_per_post() -> None:
    raw, joined = fold_joined(TEXTS)
    assert joined.split(SEP) == [fold(t.replace(SEP, "")) for t in TEXTS]
    assert len(raw) == len(TEXTS) and all(SEP not in t for t in raw)


@pytest.mark.parametrize("index", range(len(TEXTS)), ids=[repr(t)[:20] for t in TEXTS])
def test_vectorised_hasher_equals_the_reference(index: int) -> None:
    chars, words, *_ = Featurizer(SPEC).counts(TEXTS)
    expected_chars, expected_words = reference(TEXTS[index], SPEC)
    assert row_entries(chars, index) == expected_chars
    assert row_entries(words, index) == expected_words


def test_a_batch_equals_its_posts_one_by_one() -> None:
    """The separator never yields an n-gram, a token or a cue that spans two posts."""
    featurizer = Featurizer(SPEC)
    batch = featurizer.counts(TEXTS)
    for i, text in enumerate(TEXTS):
        alone = featurizer.counts([text])
        for block_batch, block_alone in zip(batch[:2], alone[:2], strict=True):
            assert row_entries(block_batch, i) == row_entries(block_alone, 0)
        np.testing.assert_allclose(batch[2][i], alone[2][0])


def test_a_post_never_shares_ngrams_with_its_neighbours() -> None:
    chars, words, *_ = Featurizer(SPEC).counts(["ab", "cd"])
    one_post_chars, one_post_words, *_ = Featurizer(SPEC).counts(["ab cd"])
    # char n-grams stay inside words, so two posts have those of one post with both words …
    assert sorted(row_entries(chars, 0) + row_entries(chars, 1)) == row_entries(one_post_chars, 0)
    # … but only the one post has the bigram "ab cd"
    assert [len(row_entries(words, i)) for i in (0, 1)] == [1, 1]
    assert len(row_entries(one_post_words, 0)) == 3


def test_weighted_rows_are_unit_length_and_empty_rows_stay_empty() -> None:
    chars, words, cues, _ = Featurizer(SPEC).blocks(["hello there", "", "你好"])
    norms = np.sqrt(np.asarray(chars.multiply(chars).sum(axis=1)).ravel())
    np.testing.assert_allclose(norms, [1.0, 0.0, 1.0], atol=1e-6)
    assert cues.shape == (3, len(CUE_NAMES))


@pytest.mark.parametrize("name", sorted(_PATTERNS))
def test_gated_cue_patterns_find_what_the_plain_patterns_find(name: str) -> None:
    gate, pattern = _PATTERNS[name]
    plain = re.compile(pattern)
    texts = [fold(t) for t in TEXTS] + [
        "whatsapp me +1 555 201 3344, $500 cash prize, act now! click here",
        "dm me now 加 v 8888 日结 500元 限时 关注 有意者 20%",
        "全场5折起 8.8折 无抵押贷款 代开发票 中奖 抢购 仅限 清零 回t退订 详询 致电 扫码进群",
        "想赚钱的+薇:abc12345 加威 xyz 威❤abcdefg 薇♥ 维 信",
        "的vx abc 加qq12345 vxyz 电话：138 全館七折優惠 满300减100 折腾 先到先得 手慢無 欢迎来电",
        "bitcoin giveaway, verify your account within 24 hours, link in my bio, dm for price",
    ]
    for text in texts:
        assert compile_cue(gate, pattern).findall(text) == plain.findall(text), text


@pytest.mark.parametrize(
    ("text", "cue", "counted"),
    [
        # Chinese ads, simplified and traditional, count in the columns English spam taught.
        ("全场八折，进店即送礼品", "money", True),
        ("全館七折優惠", "money", True),
        ("消费满300减100", "money", True),
        ("名额有限，先到先得", "urgency", True),
        ("爆款直降，手慢無", "urgency", True),
        ("欢迎来电咨询", "call_to_action", True),
        ("歡迎蒞臨選購", "call_to_action", True),
        ("想赚钱的VX abc12345", "contact", True),  # no `\b` between 的 and V
        ("本公司代办证件，电话：138xxxxxxxx", "contact", True),
        # Ordinary posts with the same everyday words do not.
        ("我报名了下个月的马拉松", "call_to_action", False),
        ("关注了一个做饭的博主", "call_to_action", False),
        ("刚注册小红书，有什么推荐吗", "call_to_action", False),
        ("折腾了一天终于装好了", "money", False),
        ("妈，我到了给你打电话", "contact", False),
        ("vxyz tgif", "contact", False),
        # English scams of kinds SMS and YouTube comments hardly show.
        ("new bitcoin airdrop tonight", "money", True),
        ("your account will be suspended, verify your identity", "urgency", True),
        ("spicy pics, link in bio", "call_to_action", True),
        ("I'm investing in a good pair of boots", "money", False),
        # Engagement bait asks for reach as "subscribe" does; liking something does not.
        ("LIKE THIS COMMENT so more people can see it", "call_to_action", True),
        ("thumbs up if you are watching in 2015", "call_to_action", True),
        ("I like this video so much", "call_to_action", False),
        ("like this if you came from tiktok", "call_to_action", False),
    ],
)
def test_ad_and_scam_vocabulary_counts_and_everyday_words_do_not(
    text: str, cue: str, counted: bool
) -> None:
    raw, folded = fold_joined([text])
    assert bool(cue_matrix(raw, folded)[0, CUE_NAMES.index(cue)] > 0) is counted


def test_chinese_terms_compile_to_a_trie_that_matches_like_the_longest_first_alternation() -> None:
    terms = ["名额", "名额有限", "赚", "赚钱", "进店", "进群", "到店", "优惠"]
    gate, pattern = with_words("x", "xyz", terms)
    forms = {"xyz"} | {form for term in terms for form in in_both_scripts(term)}
    longest_first = sorted(forms, key=lambda t: (-len(t), t))
    text = "名额有限 名額有限 名额 赚钱赚 進店进群 到店 優惠 优惠 xyz 名额有"
    assert compile_cue(gate, pattern).findall(text) == re.findall("|".join(longest_first), text)
    assert set(gate) == set("x名赚賺进進到优優")


@pytest.mark.parametrize(
    ("simplified", "forms"),
    [("发票", {"发票", "發票", "髮票"}), ("到店", {"到店"}), ("", {""})],
)
def test_in_both_scripts_spells_each_character_every_traditional_way(
    simplified: str, forms: set[str]
) -> None:
    assert in_both_scripts(simplified) == forms


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_every_chinese_cue_term_matches_opencc_traditional_spelling(config: str) -> None:
    convert = opencc.OpenCC(config).convert
    terms = ZH.MONEY + ZH.URGENCY + ZH.CALL_TO_ACTION
    assert [t for t in terms if convert(t) not in in_both_scripts(t)] == []


def reference_cues(raw: str) -> list[float]:
    text = fold(raw.replace(SEP, ""))
    counts = {name: len(re.findall(pattern, text)) for name, (_, pattern) in _PATTERNS.items()}
    counts |= {name: len(re.findall(pattern, text)) for name, pattern in RUN_CUES.items()}
    counts["digit_run"] = len(re.findall(RUN_CUES["digit_run"], re.sub(PHONE, " ", text)))
    letters = len(re.findall("[A-Za-z]", raw))
    caps = len(re.findall("[A-Z]", raw)) / letters if letters >= 8 else 0.0
    row = {name: float(np.log1p(n)) for name, n in counts.items()}
    row["caps_ratio"] = caps
    row["exclamations"] = float(np.log1p(raw.count("!") + raw.count("！")))
    row["contact_and_money"] = float(counts["contact"] > 0 and counts["money"] > 0)
    return [row[name] for name in CUE_NAMES]


def test_batch_cues_equal_the_per_post_reference() -> None:
    raw, folded = fold_joined(TEXTS)
    expected = np.array([reference_cues(t) for t in raw])
    np.testing.assert_allclose(cue_matrix(raw, folded), expected, rtol=1e-6)


def test_word_tokens_split_han_characters_but_keep_latin_runs() -> None:
    cps = hashing.codepoints("abc12 中文x")
    _, cols = hashing.word_ngrams(cps, hashing.row_of_position(cps), 1, 1, 20)
    assert len(cols) == 4  # "abc12", "中", "文", "x"


@pytest.mark.parametrize(
    ("text", "share"),
    [("hello", 0.0), ("你好", 1.0), ("歡迎TikTok難民 加V：abc123", 0.625), ("", 0.0), ("🙂!", 0.0)],
)
def test_han_share_is_the_share_of_words_that_are_han_characters(text: str, share: float) -> None:
    assert Featurizer(SPEC).counts(["x", text]).han_share[1] == pytest.approx(share)


def test_feature_counts_must_be_powers_of_two() -> None:
    with pytest.raises(ValueError, match="powers of two"):
        FeatureSpec(char_features=1000)


def test_an_empty_batch_has_no_rows() -> None:
    blocks = Featurizer(SPEC).blocks([])
    assert blocks.chars.shape == (0, SPEC.char_features)
    assert blocks.cues.shape == (0, len(CUE_NAMES)) and blocks.han_share.shape == (0,)


def test_batches_larger_than_a_chunk_are_stacked_in_order(monkeypatch) -> None:
    monkeypatch.setattr("moderation.features.CHUNK", 3)
    chunked = Featurizer(SPEC).counts(TEXTS)
    monkeypatch.setattr("moderation.features.CHUNK", 4096)
    whole = Featurizer(SPEC).counts(TEXTS)
    assert (chunked.chars != whole.chars).nnz == 0 and (chunked.words != whole.words).nnz == 0
    np.testing.assert_array_equal(chunked.cues, whole.cues)


@pytest.mark.parametrize(
    ("lengths", "expected"),
    [
        ([], [[]]),  # an empty batch is one empty chunk
        ([4, 4, 4], [[4, 4], [4]]),  # ends before the chunk would pass 10 characters
        ([25, 1], [[25], [1]]),  # a post longer than the budget is a chunk of its own
        ([1, 1, 1, 1, 1], [[1, 1, 1], [1, 1]]),  # and at most CHUNK posts
    ],
)
def test_a_batch_is_hashed_in_chunks_bounded_by_posts_and_characters(
    monkeypatch, lengths, expected
) -> None:
    monkeypatch.setattr("moderation.features.CHUNK", 3)
    monkeypatch.setattr("moderation.features.CHUNK_CHARS", 10)
    texts = ["x" * n for n in lengths]
    assert [[len(t) for t in chunk] for chunk in chunks(texts)] == expected


@pytest.mark.parametrize(
    ("text", "contact", "digit_run"),
    [
        ("call 09061701461 now", True, False),  # a phone number is contact evidence, once
        ("WhatsApp +1 693 298 5615", True, False),
        ("your code is 482913", False, True),  # a run of digits that is no phone number
        ("加微信abc12345", True, True),  # the handle's digits are not a phone number
    ],
)
def test_phone_digits_count_as_contact_not_as_a_digit_run(
    text: str, contact: bool, digit_run: bool
) -> None:
    raw, folded = fold_joined([text])
    (row,) = cue_matrix(raw, folded)
    assert bool(row[CUE_NAMES.index("contact")] > 0) is contact
    assert bool(row[CUE_NAMES.index("digit_run")] > 0) is digit_run
