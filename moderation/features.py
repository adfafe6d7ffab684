"""Text features shared by training and inference of the linear models.

Three blocks, computed for a whole batch at once on folded text (`moderation.normalise.fold`):

- hashed character n-grams inside word boundaries: no segmentation needed for Han text, and robust
  to leetspeak and inserted punctuation;
- hashed words (Latin runs; each Han character a word) and word bigrams;
- language-neutral cues (`moderation.cues`).

The n-gram blocks are tf-idf weighted (sublinear tf, idf learnt on the training texts) and each is
L2-normalised. Hashing is stateless; the only learnt state is the idf array per block, which
the artifact stores as a plain npz array (no pickle). See `moderation.hashing` for the hasher.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from moderation import hashing
from moderation.cues import CUE_NAMES, cue_matrix
from moderation.normalise import fold_joined, join_spelled, unleet

__all__ = ["CUE_NAMES", "Blocks", "FeatureSpec", "Featurizer", "chunks", "stack"]

# Posts hashed together. The hasher's arrays grow with the characters of a chunk (~150 bytes per
# character at the peak), so a chunk also ends at CHUNK_CHARS: a batch of 2,048 posts of 10,000
# characters each would otherwise take several GB at once.
CHUNK = 4096
CHUNK_CHARS = 1_000_000


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Hashing parameters; stored in the artifact's JSON so inference rebuilds the same space."""

    char_features: int = 2**19
    char_ngrams: tuple[int, int] = (2, 5)
    word_features: int = 2**19
    word_ngrams: tuple[int, int] = (1, 2)
    sublinear_tf: bool = True
    # Every digit hashes as "0": phone numbers, prices and codes share n-grams ("£0000", "0000000")
    # instead of each number being a feature seen once.
    fold_digits: bool = True
    # Traditional Han characters hash as their simplified forms ("廢物" as "废物"): the Chinese
    # corpora are simplified, and traditional posts would otherwise miss every weight they taught.
    simplify_han: bool = True
    # Evasive spellings hash as the word they spell, as the rules engine folds them: a toxic word
    # in leetspeak ("m0r0n") or spelled out ("d i s g u s t i n g") otherwise misses its weights.
    unleet: bool = True
    join_spelled: bool = True
    # Words hash by first letter, last letter and the letters between in sorted order, so a typo
    # that swaps inner letters ("immirgants") keeps the word's weights (hashing.sort_inner_letters).
    sort_inner_letters: bool = True

    def __post_init__(self) -> None:
        for size in (self.char_features, self.word_features):
            if size & (size - 1):
                raise ValueError(f"feature counts must be powers of two, got {size}")

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
            sublinear_tf=bool(data.get("sublinear_tf", True)),
            fold_digits=bool(data.get("fold_digits", False)),
            simplify_han=bool(data.get("simplify_han", False)),
            unleet=bool(data.get("unleet", False)),
            join_spelled=bool(data.get("join_spelled", False)),
            sort_inner_letters=bool(data.get("sort_inner_letters", False)),
        )


class Blocks(NamedTuple):
    """One batch's features: n-gram blocks (counts or weighted), cues, and each post's Han share."""

    chars: sp.csr_matrix
    words: sp.csr_matrix
    cues: np.ndarray
    han_share: np.ndarray  # share of each post's words that are Han characters (0 without words)


class Featurizer:
    """Texts → one sparse row per text: [char n-grams | word n-grams | cues]."""

    def __init__(self, spec: FeatureSpec, idf: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.spec = spec
        self.idf = idf  # (chars, words) float32 arrays, or None for plain tf

    def counts(self, texts: Sequence[str]) -> Blocks:
        """Raw n-gram counts per block, the cues and the Han shares."""
        parts = [self._counts_chunk(chunk) for chunk in chunks(texts)]
        if len(parts) == 1:
            return parts[0]
        chars, words, cues, han = zip(*parts, strict=True)
        return Blocks(
            sp.vstack(chars, "csr"), sp.vstack(words, "csr"), np.vstack(cues), np.concatenate(han)
        )

    def _counts_chunk(self, texts: Sequence[str]) -> Blocks:
        spec, n = self.spec, len(texts)
        raw, folded = fold_joined(texts)
        cps = hashing.codepoints(self._as_read(folded))
        rows = hashing.row_of_position(cps)
        hashed = hashing.simplified(cps) if spec.simplify_han else cps
        hashed = np.where(hashing.DIGIT[hashed], ord("0"), hashed) if spec.fold_digits else hashed
        char_bits, word_bits = (
            spec.char_features.bit_length() - 1,
            spec.word_features.bit_length() - 1,
        )
        chars = hashing.char_ngrams(hashed, rows, *spec.char_ngrams, char_bits)
        tokens = hashing.token_bounds(cps)
        as_words = (
            hashing.sort_inner_letters(hashed, *tokens) if spec.sort_inner_letters else hashed
        )
        words = hashing.word_ngrams(as_words, rows, *spec.word_ngrams, word_bits, tokens=tokens)
        return Blocks(
            _count_matrix(*chars, (n, spec.char_features)),
            _count_matrix(*words, (n, spec.word_features)),
            cue_matrix(raw, folded) if n else np.zeros((0, len(CUE_NAMES)), np.float32),
            _han_share(cps, rows, tokens[0], n),
        )

    def _as_read(self, folded: str) -> str:
        """The folded batch with spelled-out words joined and leetspeak as letters (cues still
        read the folded text: "abc12345" is a handle, "1 2 3" a digit run)."""
        if self.spec.join_spelled:
            folded = join_spelled(folded)
        return unleet(folded) if self.spec.unleet else folded

    def blocks(self, texts: Sequence[str]) -> Blocks:
        """Weighted blocks: inference multiplies each by its slice of the weights."""
        return self.weighted(self.counts(texts))

    def weighted(self, counts: Blocks) -> Blocks:
        idf = self.idf or (None, None)
        return counts._replace(
            chars=self.weigh(counts.chars, idf[0]), words=self.weigh(counts.words, idf[1])
        )

    def weigh(self, counts: sp.csr_matrix, idf: np.ndarray | None) -> sp.csr_matrix:
        """Sublinear tf (1 + log count) × idf, each row L2-normalised."""
        m = counts.copy()
        if self.spec.sublinear_tf:
            np.log(m.data, out=m.data)
            m.data += 1.0
        if idf is not None:
            m.data *= idf[m.indices]
        row_of_entry = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        norms = np.sqrt(np.bincount(row_of_entry, m.data * m.data, minlength=m.shape[0]))
        m.data /= norms[row_of_entry]
        return m

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return stack(self.blocks(texts))


def stack(blocks: Blocks) -> sp.csr_matrix:
    """[chars | words | cues] as one matrix, for training."""
    parts = [blocks.chars, blocks.words, sp.csr_matrix(blocks.cues)]
    return sp.hstack(parts, format="csr", dtype=np.float32)


def _han_share(cps: np.ndarray, rows: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Share of a post's words that are Han characters ("歡迎TikTok難民" → 4 of 5)."""
    han = np.bincount(rows[starts], hashing.HAN[cps[starts]], minlength=n + 1)[:n]
    words = np.bincount(rows[starts], minlength=n + 1)[:n]
    return han / np.maximum(words, 1)


def _count_matrix(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    ones = np.ones(len(rows), dtype=np.float32)
    m = sp.csr_matrix((ones, (rows, cols)), shape=shape)  # duplicates are summed: counts
    m.sort_indices()
    return m


def document_frequency_idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed idf (scikit-learn's formula) from the training rows' counts of one block."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    n = counts.shape[0]
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    return idf.astype(np.float16).astype(np.float32)  # as stored in the artifact


def chunks(texts: Sequence[str]) -> Iterator[Sequence[str]]:
    """The batch in slices of at most CHUNK posts and about CHUNK_CHARS characters."""
    return (texts[s] for s in hashing.bounded_slices(texts, CHUNK, CHUNK_CHARS))
