"""Script-based language tagging: en, zh, mixed or other.

Posts in this surge are English, Chinese (simplified or traditional) or both in one line; a script
count is enough to route them and is ~100x cheaper than a language-ID model.
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]{2,}")
_OTHER_LETTER = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u0900-\u097f\u3040-\u30ff\uac00-\ud7af]")


def detect_lang(text: str) -> str:
    """Return "en", "zh", "mixed" or "other" from the scripts present in `text`."""
    han = len(_HAN.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    if han and latin_words:
        # A brand name or one borrowed word in a Chinese sentence does not make it mixed.
        if latin_words <= 1 and han >= 4:
            return "zh"
        if han <= 1 and latin_words >= 3:
            return "en"
        return "mixed"
    if han:
        return "zh"
    if latin_words:
        return "en" if latin_words >= len(_OTHER_LETTER.findall(text)) else "other"
    return "other"
