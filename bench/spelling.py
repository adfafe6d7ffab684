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


def _edit_longest(text: str, edit: Callable[[str], str]) -> str:
    words = list(_WORD.finditer(text))
    if not words:
        return text
    word = max(words, key=lambda m: len(m.group()))
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
    """The longest word written together with the next one ("are parasitesliving"), or with
    the one before it when it is the last word."""
    words = text.split(" ")
    if len(words) < 2:
        return text
    longest = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    i = min(longest, len(words) - 2)
    return " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])


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
