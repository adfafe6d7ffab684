"""Text features shared by training and inference of the linear models.

Three blocks, computed on folded text (`moderation.normalise.fold`):

- hashed character n-grams inside word boundaries: no segmentation needed for Han text, and robust
  to leetspeak and inserted punctuation;
- hashed word uni/bigrams;
- a handful of language-neutral cues (links, contact handles, phone numbers, digit runs, money,
  urgency, repeated characters). These are what lets a spam model trained on English SMS and
  YouTube comments score Chinese spam: a WeChat handle and a phone number are both "contact"
  cues, so the weight learned from English phone numbers carries over to 加微信.

HashingVectorizer is stateless, so the artifact only needs its parameters, never a pickle.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from moderation.normalise import fold

_URL = re.compile(
    r"https?://|www\.|\b[a-z0-9-]{2,}\.(?:com|net|org|ly|top|xyz|cc|io|me|info|biz|co|uk|cn|tk|ru|gl)\b"
    r"|t\.me/|wa\.me/"
)
_CONTACT = re.compile(
    r"whats\s?app|telegram|\btg\b|wechat|weixin|\bkik\b|snapchat|\bskype\b|\bline\s?id\b|\bqq\b"
    r"|微\s*信|薇\s*信|威\s*信|维\s*信|v\s*信|\bv\.?x\b|加\s*v|\+\s*v|扣\s*扣|賴|私\s*聊|私\s*信|联\s*系|聯\s*繫"
    r"|\b(?:dm|inbox|message|text|call|txt|contact|msg)\s+(?:me|us|now)\b"
    # A phone number is the same cue as a messenger handle: a way to move the victim off-platform.
    r"|\+?\d[\d\s().-]{6,}\d"
)
_DIGIT_RUN = re.compile(r"\d{5,}")
_ID_TOKEN = re.compile(r"\b(?=[a-z0-9_]*\d)(?=[a-z0-9_]*[a-z])[a-z0-9_]{6,}\b")
_REPEAT = re.compile(r"(.)\1{3,}")
_MONEY = re.compile(
    r"[$£€¥￥]\s?\d|\d+\s?(?:元|块|万|美元|usd|usdt|dollars?|pounds?|bucks)|\bcash\b|\bprize\b"
    r"|\bearn|\bprofit|\bincome\b|\bbonus\b|\bfree\b|\bcheap\b|\bdiscount|赚|賺|收益|日结|日結"
    r"|返利|佣金|红包|紅包|奖金|獎金|免费|免費|首充|低价|低價|\d+\s?%"
)
_URGENCY = re.compile(
    r"\burgent|\bhurry\b|\blimited\b|\bact now\b|\bexpires?\b|\blast chance\b|\bimmediately\b"
    r"|\basap\b|\bclaim\b|\bguarantee|立即|马上|馬上|限时|限時|名额有限|赶紧|趕緊|抓紧|秒批|稳赚|穩賺"
)
_CALL_TO_ACTION = re.compile(
    r"\bclick\b|\bsubscribe\b|\bcheck (?:out|my)\b|\bfollow (?:me|my)\b|\bvisit\b|\bsign up\b"
    r"|\bjoin\b|点击|點擊|关注|關注|领取|領取|咨询|諮詢|有意者"
)
_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")

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


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Vectorizer parameters; stored in the artifact's JSON so inference rebuilds the same space."""

    char_features: int = 2**19
    char_ngrams: tuple[int, int] = (2, 5)
    word_features: int = 2**18
    word_ngrams: tuple[int, int] = (1, 2)

    @property
    def size(self) -> int:
        return self.char_features + self.word_features + len(CUE_NAMES)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FeatureSpec:
        return cls(
            char_features=int(data["char_features"]),  # type: ignore[call-overload]
            char_ngrams=tuple(data["char_ngrams"]),  # type: ignore[arg-type]
            word_features=int(data["word_features"]),  # type: ignore[call-overload]
            word_ngrams=tuple(data["word_ngrams"]),  # type: ignore[arg-type]
        )


class Featurizer:
    """Texts → one sparse row per text: [char n-grams | word n-grams | cues]."""

    def __init__(self, spec: FeatureSpec) -> None:
        self.spec = spec
        self._chars = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=spec.char_ngrams,
            n_features=spec.char_features,
            alternate_sign=False,
            norm="l2",
            lowercase=False,
        )
        self._words = HashingVectorizer(
            analyzer="word",
            ngram_range=spec.word_ngrams,
            n_features=spec.word_features,
            alternate_sign=False,
            norm="l2",
            lowercase=False,
            # single characters count: "u" and "r" in SMS spam; each Han character is a word
            token_pattern=r"(?u)\b\w+\b",
        )

    def blocks(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
        """The three blocks separately: inference multiplies each by its slice of the weights."""
        folded = [fold(t) for t in texts]
        return (
            self._chars.transform(folded),
            self._words.transform(folded),
            cue_matrix(texts, folded),
        )

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        chars, words, cues = self.blocks(texts)
        return sp.hstack([chars, words, sp.csr_matrix(cues)], format="csr", dtype=np.float32)


def cue_matrix(texts: Sequence[str], folded: Sequence[str]) -> np.ndarray:
    """Dense language-neutral cues, one row per text, columns in `CUE_NAMES` order."""
    out = np.zeros((len(texts), len(CUE_NAMES)), dtype=np.float32)
    for i, (raw, text) in enumerate(zip(texts, folded, strict=True)):
        out[i] = _cues(raw, text)
    return out


def _cues(raw: str, text: str) -> list[float]:
    # Counts are squashed with log1p: the second link is evidence, the tenth adds little.
    contact = _count(_CONTACT, text)
    money = _count(_MONEY, text)
    letters = len(_LETTER.findall(raw))
    caps = len(_UPPER.findall(raw)) / letters if letters >= 8 else 0.0
    return [
        _count(_URL, text),
        contact,
        _count(_DIGIT_RUN, text),
        _count(_ID_TOKEN, text),
        _count(_REPEAT, text),
        money,
        _count(_URGENCY, text),
        _count(_CALL_TO_ACTION, text),
        caps,
        math.log1p(raw.count("!") + raw.count("！")),
        1.0 if contact and money else 0.0,
    ]


def _count(pattern: re.Pattern[str], text: str) -> float:
    return math.log1p(len(pattern.findall(text)))
