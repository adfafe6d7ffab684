"""Spelling variations of a hateful sentence, as HateCheck tests them (Röttger et al. 2021).

HateCheck perturbs the hateful word of a sentence five ways: two letters swapped, a letter
missing, a missing space, spaces between its letters, leetspeak. Our probes do not mark which
word is the hateful one, so each variation edits the sentence's longest word (ties: the first),
the same edit every run, so that a report can be compared across models.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_WORD = re.compile(r"[A-Za-z]{4,}")
_LEET = str.maketrans("aeioAEIO", "43104310")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE = re.compile(r"\s+$")


def _longest(text: str) -> re.Match[str] | None:
    return max(_WORD.finditer(text), key=lambda m: len(m.group()), default=None)


def _edit_longest(text: str, edit: Callable[[str], str]) -> str:
    word = _longest(text)
    if word is None:
        return text
    return text[: word.start()] + edit(word.group()) + text[word.end() :]


def swap_letters(text: str) -> str:
    """The two middle letters of the longest word swapped: "parasites" → "parsaites"."""

    def swap(w: str) -> str:
        i = len(w) // 2 - 1
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]

    return _edit_longest(text, swap)


def drop_letter(text: str) -> str:
    """The middle letter of the longest word left out: "parasites" → "parsites"."""
    return _edit_longest(text, lambda w: w[: len(w) // 2] + w[len(w) // 2 + 1 :])


def join_words(text: str) -> str:
    """The longest word written together with the next one ("parasitesliving"), or with the
    one before it when nothing follows it."""
    word = _longest(text)
    if word is None:
        return text
    after = _SPACE.match(text, word.end())
    if after and after.end() < len(text):
        return text[: after.start()] + text[after.end() :]
    before = _SPACE_BEFORE.search(text, 0, word.start())
    return text[: before.start()] + text[word.start() :] if before else text


def space_letters(text: str) -> str:
    """Spaces between the letters of the longest word: "p a r a s i t e s"."""
    return _edit_longest(text, " ".join)


def leetspeak(text: str) -> str:
    """Vowels of the longest word as digits: "p4r4s1t3s"."""
    return _edit_longest(text, lambda w: w.translate(_LEET))


VARIATIONS: dict[str, Callable[[str], str]] = {
    "letters swapped": swap_letters,
    "letter missing": drop_letter,
    "space missing": join_words,
    "spaces added": space_letters,
    "leetspeak": leetspeak,
}
