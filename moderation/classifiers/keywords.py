"""`keywords.v1`: a transparent lexicon scorer with no ML dependencies.

It is the always-available floor: the demo and the tests run on it, and the product keeps
working on it if the learned models are missing. Scores are coarse (a few fixed levels), which
is honest: a keyword hit is evidence, not a calibrated probability.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from moderation.classifiers import register
from moderation.normalise import fold

_TOXIC_EN = (
    r"\b(idiot|stupid|moron|loser|trash|scum|shut up|kill yourself|kys|go back to|dumb"
    r"|f+u+c+k+ (you|off)|bitch|retard)"
)
_TOXIC_ZH = r"(傻逼|傻b|沙雕|脑残|滚出|废物|垃圾|去死|白皮猪|洋垃圾|支那|蝗虫|贱人|滚回)"
_SPAM = (
    r"(加微信|加v|vx|薇信|威信|wechat|telegram|whatsapp|t\.me/|wa\.me/|兼职|日结|刷单|"
    r"buy followers|free followers|crypto|usdt|airdrop|guaranteed|dm me|click here|"
    r"\b\d{8,}\b|bit\.ly|返利|代理|稳赚)"
)


@register("keywords.v1")
class KeywordClassifier:
    name: str = "keywords.v1"
    labels: tuple[str, ...] = ("toxicity", "spam")

    def __init__(self) -> None:
        self._toxic = re.compile(f"{_TOXIC_EN}|{_TOXIC_ZH}")
        self._spam = re.compile(_SPAM)

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [self._score(fold(t)) for t in texts]

    def _score(self, text: str) -> dict[str, float]:
        toxic_hits = len(self._toxic.findall(text))
        spam_hits = len(self._spam.findall(text))
        return {"toxicity": _level(toxic_hits), "spam": _level(spam_hits)}


def _level(hits: int) -> float:
    return (0.02, 0.6, 0.85, 0.95)[min(hits, 3)]
