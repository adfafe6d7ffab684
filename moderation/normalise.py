"""Text folding shared by the rules engine and the classifiers.

`fold` is the cheap, always-on normalisation: Unicode NFKC (full-width → ASCII), case folding and
removal of zero-width characters. The rules engine layers evasion-specific folds on top.
The evasion folds that the rules engine and the classifiers' features share live here too:
leetspeak (`unleet`), spelled-out words (`join_spelled`) and OpenCC's traditional → simplified
Chinese, character by character (`simplified_chars`), whose inverse spells the spam cues' Chinese
terms in traditional characters (`in_both_scripts`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import opencc

# Joins a batch's posts into one string for the vectorised passes (hashing, cues): `fold` never
# produces NUL (the contract rejects it, and `fold_joined` drops it), and no cue pattern matches it.
SEP = "\x00"
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
# Runs of whitespace other than a single space (single spaces, the common case, stay untouched).
_SPACES = re.compile(r" \s+|[^\S ]\s*")
# Leetspeak: digits and look-alike symbols inside a token that also has letters read as the
# letters they imitate ("fr33 f0ll0wers", "m0r0n"); pure numbers ("1000", phone numbers) stay.
LEET = str.maketrans("01345789$|", "oieastbgsl")
LEET_TOKEN = re.compile(r"(?<![a-z0-9$|])(?=[a-z0-9$|]*[a-z])(?=[a-z0-9$|]*[0-9$|])[a-z0-9$|]+")
# Words spelled out with separators between their letters ("f u c k", "w.e.c.h.a.t").
SEPARATORS = frozenset(" .·•*_-~|/\\+")
SPELLED_DOTS = re.compile(r"(?<![a-z0-9])(?:[a-z][.·•*_\-~|/]+)+[a-z](?![a-z0-9])")
SPELLED_SPACES = re.compile(r"(?<![a-z0-9])(?:[a-z0-9] ){2,}[a-z0-9](?![a-z0-9])")


def fold(text: str) -> str:
    """NFKC + casefold + zero-width stripping + whitespace collapsing."""
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text).casefold()
    return _SPACES.sub(" ", text).strip()


def fold_joined(texts: Sequence[str]) -> tuple[list[str], str]:
    """(raw texts without NUL, their `fold`ed forms joined with SEP), folding the batch at once.

    Equals `SEP.join(fold(t) for t in texts)`: NFKC, casefold and the character deletions act per
    character, and NUL is a starter that nothing composes with, so posts cannot affect each other.
    """
    raw = [t.replace(SEP, "") for t in texts] if any(SEP in t for t in texts) else list(texts)
    text = unicodedata.normalize("NFKC", SEP.join(raw))
    text = _SPACES.sub(" ", _ZERO_WIDTH.sub("", text).casefold())
    return raw, text.replace(" " + SEP, SEP).replace(SEP + " ", SEP).strip(" ")


def unleet(folded: str) -> str:
    """Leetspeak tokens of folded text as letters: "m0r0n" → "moron"; "1000" stays."""
    return LEET_TOKEN.sub(lambda m: m[0].translate(LEET), folded)


def join_spelled(folded: str) -> str:
    """Spelled-out words of folded text as words: "f u c k" → "fuck", "w.e.c.h.a.t" → "wechat"."""
    for pattern in (SPELLED_DOTS, SPELLED_SPACES):
        folded = pattern.sub(lambda m: "".join(c for c in m[0] if c not in SEPARATORS), folded)
    return folded


@lru_cache(maxsize=1)
def simplified_chars() -> dict[str, str]:
    """Traditional → simplified for every Han character OpenCC's t2s changes one for one."""
    han = "".join(chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)))
    simplified = opencc.OpenCC("t2s").convert(han)
    if len(simplified) != len(han):  # phrase-level conversions would break the 1:1 map
        simplified = "".join(opencc.OpenCC("t2s").convert(c) or c for c in han)
    return {t: s for t, s in zip(han, simplified, strict=True) if t != s and len(s) == 1}


def in_both_scripts(text: str) -> set[str]:
    """Simplified Chinese text with every traditional spelling of it, character by character:
    the inverse of `simplified_chars` ("发票" → 發票, 髮票; the impossible ones match nothing).

    The inverse of the table the features already hold, rather than OpenCC's s2t, s2tw and s2hk
    converters: those would keep ~40 MB of dictionaries in every ingest worker.
    """
    options = [char + _traditional_chars().get(char, "") for char in text]
    return {"".join(chars) for chars in itertools.product(*options)}


@lru_cache(maxsize=1)
def _traditional_chars() -> dict[str, str]:
    """Simplified character → the traditional characters t2s maps to it ("发" → "發髮")."""
    out: dict[str, str] = {}
    for traditional, simple in simplified_chars().items():
        out[simple] = out.get(simple, "") + traditional
    return out
