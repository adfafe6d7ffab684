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

import re
from collections.abc import Sequence

import numpy as np

from moderation.hashing import DIGIT, SEP, WORD_CHAR

PHONE = r"\+?\d[\d\s().-]{6,}\d"

# name → (characters a match can start with, "" for no gate; pattern). Word alternatives share
# one leading `\b` so that every branch starts with a literal, which `re` rejects in one compare.
_PATTERNS: dict[str, tuple[str, str]] = {
    "url": (
        "htw.",
        r"https?://|www\.|t\.me/|wa\.me/"
        r"|(?<=[a-z0-9-][a-z0-9-])\.(?:com|net|org|ly|top|xyz|cc|io|me|info|biz|co|uk|cn|tk|ru|gl)\b",
    ),
    "contact": (
        r"wtksqlv微薇威维加+扣賴私联聯dimc\d",
        r"\b(?:tg|kik|skype|line\s?id|qq|v\.?x"
        r"|(?:dm|inbox|message|text|call|txt|contact|msg)\s+(?:me|us|now))\b"
        r"|whats\s?app|telegram|wechat|weixin|snapchat|微\s*信|薇\s*信|威\s*信|维\s*信|v\s*信"
        r"|加\s*v|\+\s*v|扣\s*扣|賴|私\s*聊|私\s*信|联\s*系|聯\s*繫"
        # "+薇", "加威" and "威❤" (a heart for 信), spellings rules/contacts.py also reads; not
        # "加微" or "加维", which ordinary text has ("参加微博活动", "增加维生素").
        r"|\+\s*[微薇威维]|加\s*[薇威]|[微薇威维]\s*[❤♥]"
        # A phone number is the same cue as a messenger handle: a way off-platform.
        r"|" + PHONE,
    ),
    "money": (
        r"$£€¥￥\dcpeibfd赚賺收日返佣红紅奖獎免首低贷貸放代发發中彩特提",
        r"\b(?:(?:cash|prize|income|bonus|free|cheap)\b|earn|profit|discount)|[$£€¥￥]\s?\d"
        r"|\d+\s?(?:元|块|万|美元|usd|usdt|dollars?|pounds?|bucks|%)"
        r"|赚|賺|收益|日结|日結|返利|佣金|红包|紅包|奖金|獎金|免费|免費|首充|低价|低價"
        # Chinese marketing and loan spam: "5折起", "无抵押贷款", "代开发票", "中奖", "返现".
        r"|\d+(?:\.\d+)?折|贷款|貸款|放款|代开|代開|发票|發票|中奖|中獎|彩金|特价|特價"
        r"|返现|返現|提现|提現",
    ),
    "urgency": (
        "uhlaeicg立马馬限名赶趕抓秒稳穩仅僅抢搶速清",
        r"\b(?:urgent|(?:hurry|limited|act now|expires?|last chance|immediately|asap|claim)\b"
        r"|guarantee)|立即|马上|馬上|限时|限時|名额有限|赶紧|趕緊|抓紧|秒批|稳赚|穩賺"
        r"|仅限|僅限|抢购|搶購|秒杀|秒殺|速来|速來|清零",
    ),
    "call_to_action": (
        "csfvj点點关關领領咨諮有退详詳致扫掃进進",
        r"\b(?:click|subscribe|check (?:out|my)|follow (?:me|my)|visit|sign up|join)\b"
        r"|点击|點擊|关注|關注|领取|領取|咨询|諮詢|有意者"
        # "回T退订" ends almost every Chinese marketing SMS.
        r"|退订|退訂|详询|詳詢|致电|致電|扫码|掃碼|进群|進群",
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
