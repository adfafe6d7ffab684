"""Vectorised feature hashing of a whole batch of folded texts at once (no Python loop per post).

A batch is joined with a separator (NUL, which `fold` never produces and no cue pattern matches)
into one array of code points. Every substring hash then comes from two prefix sums:

    Q[i] = Σ_{j<i} c_j · B^-j   (mod 2^64; B is odd, so B^-1 exists)
    hash(c_i … c_{i+n-1}) = (Q[i+n] - Q[i]) · B^(i+n-1) = Σ c_j · B^(i+n-1-j)

which is the ordinary polynomial hash of the substring, whatever its position, in O(1) per
substring with uint64 wrap-around arithmetic. A multiplicative mix then picks the bucket from the
high bits. Two token streams are hashed this way:

- character n-grams inside word boundaries (scikit-learn's `char_wb` idea): each space-separated
  word is padded with one space on either side and n-grams never contain a space inside, so no
  n-gram crosses words, and since the separator counts as a space, none crosses posts either;
- words: runs of `\\w` characters, except that every Han character is a word of its own (Chinese
  has no spaces; a whole sentence would otherwise be one token), and bigrams of adjacent words of
  the same post.

The output is (row, bucket) pairs, one per n-gram occurrence; `moderation.features` weighs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np

from moderation.normalise import SEP, simplified_chars

_SPACE = 32
_BASE = 0x100000001B3  # odd, so invertible modulo 2^64
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: high bits depend on every bit
_PAIR = np.uint64(0xC2B2AE3D27D4EB4F)  # combines two word hashes into a bigram hash
_WORD_SALT = np.uint64(0x165667B19E3779F9)  # keeps the word and char spaces unrelated


def _class_table(pattern: str) -> np.ndarray:
    """Boolean table over all code points: does Python's `re` class match this character?"""
    cps = np.arange(0x110000, dtype=np.uint32)
    cps[0xD800:0xE000] = _SPACE  # surrogates cannot be encoded; they are never word characters
    cps[0] = _SPACE
    text = cps.tobytes().decode("utf-32-le")
    marked = re.sub(pattern, SEP, text).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(marked, dtype=np.uint32) == 0


# Immutable lookup tables, built once at import like a compiled regex (~40 ms).
WORD_CHAR = _class_table(r"\w")
DIGIT = _class_table(r"\d")
HAN = _class_table(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


# Han characters that OpenCC's t2s changes all lie below this code point.
_T2S_END = 0xA000


@lru_cache(maxsize=1)
def _t2s_table() -> np.ndarray:
    table = np.arange(_T2S_END, dtype=np.uint32)
    for traditional, simplified in simplified_chars().items():
        table[ord(traditional)] = ord(simplified)
    return table


def simplified(cps: np.ndarray) -> np.ndarray:
    """The code points with traditional Han characters replaced by their simplified forms."""
    out = cps.copy()
    low = cps < _T2S_END
    out[low] = _t2s_table()[cps[low]]
    return out


def codepoints(joined: str) -> np.ndarray:
    """The separator-padded batch as uint32 code points: SEP text0 SEP text1 … SEP."""
    return np.frombuffer((SEP + joined + SEP).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def row_of_position(cps: np.ndarray) -> np.ndarray:
    """Post index of every position; a separator belongs to the post that follows it."""
    return np.cumsum(cps == 0) - 1


def bounded_slices(texts: Sequence[str], max_posts: int, max_chars: int) -> Iterator[slice]:
    """Consecutive slices of at most `max_posts` texts and about `max_chars` characters (a single
    longer text is a slice of its own); an empty batch is one empty slice.

    A batch's hashing arrays grow with its characters, so the vectorised passes (featurisation,
    near-duplicate signatures) work slice by slice: very long posts cannot take GBs at once.
    """
    start, chars = 0, 0
    for i, text in enumerate(texts):
        if i > start and (i - start >= max_posts or chars + len(text) > max_chars):
            yield slice(start, i)
            start, chars = i, 0
        chars += len(text)
    yield slice(start, len(texts))


def _powers(base: int, n: int) -> np.ndarray:
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)


class PrefixHash:
    """Prefix sums of one batch's code points: hash any substring [start, end) in O(1)."""

    def __init__(self, values: np.ndarray) -> None:
        n = len(values) + 1
        self._pow = _powers(_BASE, n)
        inverse = _powers(pow(_BASE, -1, 2**64), n)
        self._q = np.zeros(n, dtype=np.uint64)
        np.cumsum(values.astype(np.uint64) * inverse[:-1], out=self._q[1:])

    def hashes(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        return (self._q[end] - self._q[start]) * self._pow[end - 1]


def bucket(hashes: np.ndarray, salt: np.uint64, bits: int) -> np.ndarray:
    """Mix 64-bit hashes (with a salt per n-gram kind) and keep the high `bits` bits."""
    h = hashes + salt
    h ^= h >> np.uint64(29)
    return ((h * _MIX) >> np.uint64(64 - bits)).astype(np.int64)


def char_ngrams(
    cps: np.ndarray, rows: np.ndarray, lo: int, hi: int, bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """(row, bucket) of every char n-gram, lo ≤ n ≤ hi, within space-padded words."""
    boundary = (cps == _SPACE) | (cps == 0)
    values = np.where(boundary, _SPACE, cps)  # the separator pads a word like a space
    prefix = PrefixHash(values)
    walls = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(boundary, out=walls[1:])
    out_rows, out_cols = [], []
    for n in range(lo, hi + 1):
        start = np.arange(len(cps) - n + 1)
        inner = walls[start + n - 1] - walls[start + 1]  # boundaries strictly inside the n-gram
        ok = inner == 0
        if n == 2:  # two boundaries side by side hold no character
            ok &= ~(boundary[start] & boundary[start + 1])
        start = start[ok]
        h = prefix.hashes(start, start + n)
        out_rows.append(rows[start])
        out_cols.append(bucket(h, np.uint64(n), bits))
    return np.concatenate(out_rows), np.concatenate(out_cols)


def token_bounds(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) of every word: a run of word characters, or one Han character."""
    word = WORD_CHAR[cps]
    han = HAN[cps]
    # A token starts at a word character after a non-word one or next to a Han one; ends alike.
    prev_word = np.concatenate(([False], word[:-1]))
    prev_han = np.concatenate(([False], han[:-1]))
    starts = np.flatnonzero(word & (~prev_word | han | prev_han))
    next_word = np.concatenate((word[1:], [False]))
    next_han = np.concatenate((han[1:], [False]))
    ends = np.flatnonzero(word & (~next_word | han | next_han)) + 1
    return starts, ends


def sort_inner_letters(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A copy of `cps` with each word's characters between its first and last in code-point
    order, so that "immirgants" and "immigrants" hash as one word ("iagimmnrts").

    Readers take a word with its inner letters swapped for the word itself, and so do evasive
    posters ("stpuid", "idoit"); keying a word on its first letter, last letter and the bag of
    letters between (Sakaguchi et al. 2017) keeps such a word's weights. Distinct words rarely
    share a key: 291 of the 21,745 whole words in MiniLM's vocabulary do ("form" and "from",
    "board" and "broad", "tired" and "tried"), and their character n-grams still differ.
    """
    inner = np.maximum(ends - starts - 2, 0)
    total = int(inner.sum())
    if not total:
        return cps
    word = np.repeat(np.arange(len(starts)), inner)
    first = np.repeat(starts + 1, inner)
    position = first + np.arange(total) - np.repeat(np.cumsum(inner) - inner, inner)
    out = cps.copy()
    out[position] = cps[position[np.lexsort((cps[position], word))]]
    return out


def word_ngrams(
    cps: np.ndarray,
    rows: np.ndarray,
    lo: int,
    hi: int,
    bits: int,
    *,
    tokens: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(row, bucket) of word unigrams and/or bigrams (lo, hi ⊆ {1, 2}) of each post;
    `tokens` are `token_bounds(cps)` when the caller has them already."""
    if not 1 <= lo <= hi <= 2:
        raise ValueError(f"word n-grams must lie within (1, 2), got ({lo}, {hi})")
    starts, ends = tokens if tokens is not None else token_bounds(cps)
    hashes = PrefixHash(cps).hashes(starts, ends)
    token_rows = rows[starts]
    out_rows, out_cols = [], []
    if lo == 1:
        out_rows.append(token_rows)
        out_cols.append(bucket(hashes, _WORD_SALT, bits))
    if hi == 2:
        same = np.flatnonzero(token_rows[1:] == token_rows[:-1])
        pairs = hashes[same] * _PAIR + hashes[same + 1]
        out_rows.append(token_rows[same])
        out_cols.append(bucket(pairs, _WORD_SALT + np.uint64(2), bits))
    return np.concatenate(out_rows), np.concatenate(out_cols)
