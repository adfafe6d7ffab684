"""Text folding shared by the rules engine and the classifiers.

`fold` is the cheap, always-on normalisation: Unicode NFKC (full-width → ASCII), case folding and
removal of zero-width characters. The rules engine layers evasion-specific folds on top.
"""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC + casefold + zero-width stripping + whitespace collapsing."""
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text).casefold()
    return _SPACES.sub(" ", text).strip()
