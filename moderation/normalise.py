"""Text folding shared by the rules engine and the classifiers.

`fold` is the cheap, always-on normalisation: Unicode NFKC (full-width → ASCII), case folding and
removal of zero-width characters. The rules engine layers evasion-specific folds on top.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Joins a batch's posts into one string for the vectorised passes (hashing, cues): `fold` never
# produces NUL (the contract rejects it, and `fold_joined` drops it), and no cue pattern matches it.
SEP = "\x00"
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
# Runs of whitespace other than a single space (single spaces, the common case, stay untouched).
_SPACES = re.compile(r" \s+|[^\S ]\s*")


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
