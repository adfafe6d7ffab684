"""Language-neutral spam cues, computed for a whole batch at once.

Links, contact handles (incl. phone numbers and 加微信/VX/薇信/Telegram/WhatsApp), digit runs,
id-like tokens, repeated characters, money, urgency, calls to action, caps ratio, exclamations.
These are what lets a spam model trained on English SMS and YouTube comments score Chinese spam:
a WeChat handle and a phone number are both "contact" cues, so the weight learned from English
phone numbers carries over to 加微信.

Each pattern runs once per batch over the joined folded text (posts separated by NUL, which no
pattern can match, so no match spans two posts) and match starts map to posts by binary search.
Each long alternation is gated by a lookahead on the characters a match can start with: Python's
`re` then skips most positions at once (8× faster), and the matches are the same (tested).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

from moderation import cue_phrases_zh as ZH
from moderation.hashing import DIGIT, SEP, WORD_CHAR
from moderation.normalise import in_both_scripts

PHONE = r"\+?\d[\d\s().-]{6,}\d"


def with_words(gate: str, pattern: str, terms: Sequence[str]) -> tuple[str, str]:
    """The gated pattern extended by literal Chinese terms, each also in traditional characters.

    The terms go in as a trie ("进(?:店|群)" rather than "进店|进群"): `re` tries alternatives one
    by one, so at each position only the terms that start with its character are tried; and the
    trie has a gate of its own, so that a Latin letter that passes the pattern's gate never tries
    the trie's hundred first characters.
    """
    forms = {form for term in terms for form in in_both_scripts(term)}
    heads = "".join(sorted({form[0] for form in forms}))
    gate += "".join(sorted(set(heads) - set(gate)))
    return gate, f"{pattern}|(?=[{heads}])(?:{_trie_pattern(sorted(forms))})"


def _trie_pattern(words: list[str]) -> str:
    """One regex matching the longest of `words` at a position (sorted, non-empty words)."""
    branches = []
    for head, group in itertools.groupby(words, key=lambda w: w[0]):
        tails = [w[1:] for w in group]
        rest = [t for t in tails if t]
        if not rest:
            branches.append(re.escape(head))
            continue
        inner = _trie_pattern(rest)
        optional = "?" if "" in tails else ""  # a word ends here; longer ones are tried first
        branches.append(f"{re.escape(head)}(?:{inner}){optional}")
    return "|".join(branches)


# name → (characters a match can start with, "" for no gate; pattern). Word alternatives share
# one leading `\b` so that every branch starts with a literal, which `re` rejects in one compare.
_PATTERNS: dict[str, tuple[str, str]] = {
    "url": (
        "htw.",
        r"https?://|www\.|t\.me/|wa\.me/"
        r"|(?<=[a-z0-9-][a-z0-9-])\.(?:com|net|org|ly|top|xyz|cc|io|me|info|biz|co|uk|cn|tk|ru|gl)\b",
    ),
    "contact": (
        r"wtksqlv微薇威维加+扣賴私联聯电電dimc\d",
        # Latin handles bounded by non-Latin characters, not `\b`: Han characters are word
        # characters, so "的vx" has no word boundary inside it, and "qq12345" is a QQ number.
        r"(?<![a-z0-9_])(?:tg|kik|skype|line\s?id|qq|v\.?x"
        r"|(?:dm|inbox|message|text|call|txt|contact|msg)\s+(?:me|us|now))(?![a-z_])"
        r"|whats\s?app|telegram|wechat|weixin|snapchat|微\s*信|薇\s*信|威\s*信|维\s*信|v\s*信"
        r"|加\s*v|\+\s*v|扣\s*扣|賴|私\s*聊|私\s*信|联\s*系|聯\s*繫"
        # "+薇", "加威" and "威❤" (a heart for 信), spellings rules/contacts.py also reads; not
        # "加微" or "加维", which ordinary text has ("参加微博活动", "增加维生素").
        r"|\+\s*[微薇威维]|加\s*[薇威]|[微薇威维]\s*[❤♥]"
        # "电话：" introduces a number (a masked one too); "给你打电话" is no contact cue.
        r"|[电電]\s*[话話]\s*[:：]"
        # A phone number is the same cue as a messenger handle: a way off-platform.
        r"|" + PHONE,
    ),
    # The Chinese vocabulary of the next three is data (`moderation.cue_phrases_zh`).
    "money": with_words(
        r"$£€¥￥\dcpeibfdtljgawr二三四五六七八九满滿",
        r"\b(?:(?:cash|prize|income|bonus|free|cheap)\b|earn|profit|discount"
        # Investment, crypto, loan and giveaway scams.
        r"|(?:bitcoin|btc|crypto|forex|jackpot|giveaway|gift ?cards?|cash ?app|airdrop)\b"
        # Loans, betting and referral schemes.
        r"|(?:loans?|credit (?:score|repair)|bad credit|casino|betting|wager|passive income"
        r"|(?:referral|promo|coupon) (?:code|link|bonus))\b)"
        r"|[$£€¥￥]\s?\d"
        r"|\d+\s?(?:元|块|万|美元|usd|usdt|dollars?|pounds?|bucks|%)"
        # Discounts: "5折起", "8.8折", "七折优惠" (not "折腾"), "满300减100".
        r"|(?:\d+(?:\.\d+)?|[二三四五六七八九])折(?![腾騰])|[满滿]\d+[减減]",
        ZH.MONEY,
    ),
    "urgency": with_words(
        "uhlaeicgsvwtfdnr",
        r"\b(?:urgent|(?:hurry|limited|act now|expires?|last chance|immediately|asap|claim)\b"
        r"|guarantee"
        # Phishing ("your account will be suspended, verify your identity") and flash sales.
        r"|(?:suspended|verify your|unusual (?:login|activity|sign)|within \d+ hours|today only"
        r"|flash sale|don'?t miss|while supplies last|final notice"
        # Claims no honest offer makes.
        r"|(?:no|without (?:a )?)prescription|risk[- ]free|sure[- ]win|never lose|double your)\b)",
        ZH.URGENCY,
    ),
    "call_to_action": with_words(
        "csfvjdlaortgp",
        r"\b(?:click|subscribe|check (?:out|my)|follow (?:me|my)|visit|sign up|join"
        r"|dm (?:me )?for|link in (?:my )?bio|apply (?:now|today|here|via)|order (?:now|today)"
        r"|shop now|download now|register now|comment your|send (?:me )?your details"
        # Engagement bait: asking for likes is asking for reach, as "subscribe" is. Not "I like
        # this video", only the request.
        r"|like this comment|like my (?:comment|video|channel|page|post)s?|like if|thumbs? up if"
        r"|give (?:this|it|me) a (?:like|thumbs? up)|like and (?:share|subscribe)|please share"
        r"|so (?:that )?(?:more )?(?:people|others|everyone) (?:can )?see"
        r"|follow (?:for|4) follow|sub ?4 ?sub|f4f)\b",
        ZH.CALL_TO_ACTION,
    ),
}


# Cues about runs of characters, counted with numpy over the code points; these regular
# expressions are their specification (the tests check that the counts agree).
RUN_CUES = {
    # Digits of a phone number are the contact cue's, not a digit run: one piece of evidence
    # counted once, so the weight learnt from phone numbers lands on `contact`, which it
    # shares with messenger handles (加微信, Telegram) that the corpora hardly contain.
    "digit_run": r"\d{5,}",  # on the text with phone numbers blanked
    "id_token": r"\b(?=[a-z0-9_]*\d)(?=[a-z0-9_]*[a-z])[a-z0-9_]{6,}\b",
    "repeat": r"(.)\1{3,}",
}


def compile_cue(gate: str, pattern: str) -> re.Pattern[str]:
    return re.compile(f"(?=[{gate}])(?:{pattern})" if gate else pattern)


_COMPILED = {name: compile_cue(*spec) for name, spec in _PATTERNS.items()}
_PHONE = compile_cue(r"+\d", PHONE)

CUE_NAMES = (
    "url",
    "contact",
    "digit_run",
    "id_token",
    "repeat",
    "money",
    "urgency",
    "call_to_action",
    "caps_ratio",
    "exclamations",
    "contact_and_money",
)
_COL = {name: i for i, name in enumerate(CUE_NAMES)}


def cue_matrix(raw: Sequence[str], folded: str) -> np.ndarray:
    """Dense cues, one row per post, columns in `CUE_NAMES` order.

    `raw` are the posts as written (caps and exclamations), `folded` their folded forms joined
    with `SEP` (links, handles, money…). Counts are squashed with log1p: the second link is
    evidence, the tenth adds little.
    """
    n = len(raw)
    out = np.zeros((n, len(CUE_NAMES)), dtype=np.float32)
    cps = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    seps = np.flatnonzero(cps == 0)
    for name, pattern in _COMPILED.items():
        starts = [m.start() for m in pattern.finditer(folded)]
        out[:, _COL[name]] = np.bincount(np.searchsorted(seps, starts), minlength=n)
    rows = np.cumsum(cps == 0)  # the post of each position
    out[:, _COL["repeat"]] = _repeats(cps, rows, n)
    out[:, _COL["digit_run"]] = _digit_runs(_digits_outside_phones(folded, cps), rows, n)
    out[:, _COL["id_token"]] = _id_tokens(cps, rows, n)
    np.log1p(out, out=out)
    out[:, _COL["contact_and_money"]] = (out[:, _COL["contact"]] > 0) & (out[:, _COL["money"]] > 0)
    out[:, _COL["caps_ratio"]], out[:, _COL["exclamations"]] = _shape(raw)
    return out


def _digits_outside_phones(folded: str, cps: np.ndarray) -> np.ndarray:
    """Which positions are digits, leaving out every phone number's characters."""
    digits = DIGIT[cps]
    for match in _PHONE.finditer(folded):
        digits[match.start() : match.end()] = False
    return digits


def _repeats(cps: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """Runs of one character repeated ≥ 4 times, per post (the regex `(.)\\1{3,}`)."""
    if not len(cps):
        return np.zeros(n)
    starts = np.flatnonzero(np.concatenate(([True], cps[1:] != cps[:-1])))
    lengths = np.diff(np.append(starts, len(cps)))
    keep = starts[(lengths >= 4) & (cps[starts] != 0)]
    return np.bincount(rows[keep], minlength=n)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, length) of every run of True in a boolean array."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    return edges[::2], edges[1::2] - edges[::2]


def _digit_runs(digits: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """Per post: runs of ≥ 5 digits."""
    start, length = _runs(digits)
    return np.bincount(rows[start[length >= 5]], minlength=n)


def _id_tokens(cps: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """Per post: words of ≥ 6 of [a-z0-9_] with a letter and a digit."""
    start, length = _runs(WORD_CHAR[cps])
    ascii_word = (cps == 95) | ((cps >= 97) & (cps <= 122)) | ((cps >= 48) & (cps <= 57))
    counts = [
        np.add.reduceat(m, start) if len(start) else start
        for m in (ascii_word, (cps >= 48) & (cps <= 57), (cps >= 97) & (cps <= 122))
    ]
    ids = (length >= 6) & (counts[0] == length) & (counts[1] > 0) & (counts[2] > 0)
    return np.bincount(rows[start[ids]], minlength=n)


def _shape(raw: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Caps ratio over ASCII letters (0 under 8 letters) and log1p of '!'/'！', per post."""
    joined = SEP.join(raw)
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    rows = np.cumsum(cps == 0)
    n = len(raw)
    upper = (cps >= 65) & (cps <= 90)
    letters = np.bincount(rows, upper | ((cps >= 97) & (cps <= 122)), minlength=n)
    caps = np.bincount(rows, upper, minlength=n)
    ratio = np.where(letters >= 8, caps / np.maximum(letters, 1), 0.0)
    bangs = np.bincount(rows, (cps == 33) | (cps == 0xFF01), minlength=n)
    return ratio, np.log1p(bangs)
