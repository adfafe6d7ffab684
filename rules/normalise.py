"""Evasion-defeating, CJK-safe text folding, with a map back to the original offsets.

Folds, in order: a per-character table (NFKC so full-width → ASCII, case folding, zero-width and
emoji removal, accent stripping, Cyrillic/Greek homoglyphs → Latin, traditional → simplified via
OpenCC), then three regex passes (space runs collapse; leetspeak inside tokens that mix letters
and digits, so `fr33 f0ll0wers` → `free followers` but `1000` and phone numbers survive; inserted
separators between Han characters and between spelled-out Latin letters, so `加 微 信` → `加微信`
and `w.e.c.h.a.t` → `wechat`).

`fold()` is the fast path used on every post. `fold_with_offsets()` returns the same string plus,
for each folded character, its index in the original text; it is slower and only runs for posts
that hit a rule, to put the matched spans on the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from moderation.normalise import (
    LEET,
    LEET_TOKEN,
    SEPARATORS,
    SPELLED_DOTS,
    SPELLED_SPACES,
    simplified_chars,
)

FOLDS = ("leet", "homoglyph", "separators", "traditional", "emoji", "accents")

_HOMOGLYPHS = str.maketrans(
    "аеёіїјоросхуѕԁɡһԛԝвнмткαβεικνορτυχωı",
    "aeeiijopocxysdghqwbhmtkabeikvoptuxwi",
)
_SPACE_RUN = re.compile(r" {2,}")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_GAP = re.compile(rf"(?<=[{_HAN}])[ .·•*_\-~|/\\+]+(?=[{_HAN}])")
# Cheap searches that rule a pass out for most posts before its costlier pattern runs.
_CUES = {
    _SPACE_RUN: re.compile("  "),
    LEET_TOKEN: re.compile(r"[0-9$|]"),
    _HAN_GAP: re.compile(rf"[{_HAN}][ .·•*_\-~|/\\+]"),
    SPELLED_DOTS: re.compile(r"[.·•*_\-~|/][a-z]"),
    SPELLED_SPACES: re.compile(r" [a-z0-9] "),
}
# Printable ASCII never changes after lower(); everything else goes through the table.
_UNUSUAL = re.compile(r"[^\x20-\x7e]+")

# A substitution returns the kept or replaced characters, each with its offset inside the match.
Pieces = list[tuple[str, int]]


def _leet(m: re.Match[str]) -> Pieces:
    return [(c, i) for i, c in enumerate(m.group().translate(LEET))]


def _drop_separators(m: re.Match[str]) -> Pieces:
    return [(c, i) for i, c in enumerate(m.group()) if c not in SEPARATORS]


def _one_space(m: re.Match[str]) -> Pieces:
    return [(" ", 0)]


def _joined(repl: Callable[[re.Match[str]], Pieces]) -> Callable[[re.Match[str]], str]:
    return lambda m: "".join(c for c, _ in repl(m))


Step = tuple[re.Pattern[str], Callable[[re.Match[str]], Pieces]]


class Folder:
    """The folds for one set of opt-outs; immutable after construction."""

    def __init__(self, skip: frozenset[str] = frozenset()) -> None:
        self.skip = skip
        self._table = _char_table(
            "homoglyph" not in skip,
            "traditional" not in skip,
            "emoji" not in skip,
            "accents" not in skip,
        )
        steps: list[Step] = [(_SPACE_RUN, _one_space)]
        if "leet" not in skip:
            steps.append((LEET_TOKEN, _leet))
        if "separators" not in skip:
            steps += [
                (_HAN_GAP, _drop_separators),
                (SPELLED_DOTS, _drop_separators),
                (SPELLED_SPACES, _drop_separators),
            ]
        self._steps = tuple(steps)
        self._fast = tuple(
            (p, " " if r is _one_space else _joined(r), _CUES[p], p is _HAN_GAP) for p, r in steps
        )

    def fold(self, text: str) -> str:
        # lower() first (C speed) so that the table lookup only runs on the rare characters
        # that still change; fold_with_offsets does the same per character.
        text = _fold_chars(text.lower(), self._table)
        ascii_only = text.isascii()
        for pattern, repl, cue, needs_han in self._fast:
            if not (needs_han and ascii_only) and cue.search(text):
                text = pattern.sub(repl, text)
        return text

    def fold_with_offsets(self, text: str) -> tuple[str, list[int]]:
        """The folded text and, per folded character, its index in `text` (plus a sentinel)."""
        chars: list[str] = []
        offsets: list[int] = []
        last = 0
        # Printable ASCII only changes case, one character for one, so whole stretches of it
        # map by position; only the unusual characters are looked up one at a time.
        for m in _UNUSUAL.finditer(text):
            chars.append(text[last : m.start()].lower())
            offsets.extend(range(last, m.start()))
            for i in range(m.start(), m.end()):
                folded = text[i].lower().translate(self._table)
                chars.append(folded)
                offsets.extend([i] * len(folded))
            last = m.end()
        chars.append(text[last:].lower())
        offsets.extend(range(last, len(text)))
        folded_text = "".join(chars)
        ascii_only = folded_text.isascii()
        for (pattern, repl), (_, _, cue, needs_han) in zip(self._steps, self._fast, strict=True):
            if not (needs_han and ascii_only) and cue.search(folded_text):
                folded_text, offsets = _substitute(pattern, repl, folded_text, offsets)
        return folded_text, offsets + [len(text)]


def _fold_chars(text: str, table: dict[int, str]) -> str:
    """`text.translate(table)`, skipping the per-character lookups that cannot change anything."""
    if text.isascii():
        return text if text.isprintable() else text.translate(table)
    if len(text.encode()) > 2 * len(text):  # mostly Han: one pass over everything is cheapest
        return text.translate(table)
    return _UNUSUAL.sub(lambda m: m.group().translate(table), text)


def _substitute(
    pattern: re.Pattern[str], repl: Callable[[re.Match[str]], Pieces], text: str, offsets: list[int]
) -> tuple[str, list[int]]:
    out: list[str] = []
    new_offsets: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(text[last : m.start()])
        new_offsets.extend(offsets[last : m.start()])
        for c, rel in repl(m):
            out.append(c)
            new_offsets.append(offsets[m.start() + rel])
        last = m.end()
    out.append(text[last:])
    new_offsets.extend(offsets[last:])
    return "".join(out), new_offsets


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """The span of the original text that folded characters [start, end) came from."""
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1


@lru_cache(maxsize=16)
def _char_table(homoglyph: bool, traditional: bool, emoji: bool, accents: bool) -> dict[int, str]:
    """Per-character folds as a `str.translate` table (pure data, so caching it is safe)."""
    table: dict[int, str] = {}
    t2s = simplified_chars() if traditional else {}
    for code in (*range(0x10000), *range(0x1F000, 0x1FC00), *range(0xE0000, 0xE0080)):
        c = chr(code)
        folded = _fold_char(c, homoglyph, emoji, accents)
        if t2s:
            folded = "".join(t2s.get(ch, ch) for ch in folded)
        if folded != c:
            table[code] = folded
    return table


def _fold_char(c: str, homoglyph: bool, emoji: bool, accents: bool) -> str:
    category = unicodedata.category(c)
    if category == "Cf" or category in ("Cc", "Zs", "Zl", "Zp") and c.isspace():
        return "" if category == "Cf" else " "
    if emoji and not c.isascii() and (category in ("So", "Sk") or 0xFE00 <= ord(c) <= 0xFE0F):
        return ""
    folded = unicodedata.normalize("NFKC", c).casefold()
    if accents:
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    if homoglyph:
        folded = folded.translate(_HOMOGLYPHS)
    return "".join(" " if ch.isspace() else ch for ch in folded)
