"""Near-duplicate waves: MinHash + LSH banding over normalised text, in bounded memory.

    NearDuplicateIndex().assign(posts) -> [Cluster(id, size, growth), ...]

Spammers mutate each copy (a new handle, another amount, a trailing emoji), so exact hashes miss
them. Texts are folded, digit runs collapsed and spacing/punctuation dropped ("b u y  f o l l o w"
→ "buyfollow"), then shingled into character 3-grams. Signatures are computed for a whole batch
at once in numpy (no per-shingle Python), which keeps the index well above 10k posts/s on one core.
A post joins the cluster of the first earlier post it shares an LSH band with; the index keeps at
most `capacity` band entries and clusters, evicting the least recently touched.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from moderation.hashing import bounded_slices
from moderation.normalise import fold
from moderation.types import Cluster, Post

_DIGITS = re.compile(r"\d+")
_NOISE = re.compile(r"[\s\W_]+")
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_EMPTY = np.iinfo(np.uint64).max  # the signature of a text with no shingles
_TWO_CHARS = np.uint64(0xFFFFFFFFFFFFFFFF ^ 0x1FFFFF)  # drop the third code point
_ONE_CHAR = np.uint64(0xFFFFFFFFFFFFFFFF ^ ((1 << 42) - 1))  # keep only the first
_KEY_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it is a bijection on uint64
CHUNK_CHARS = 1_000_000  # characters signed at once (`hashing.bounded_slices`)


def signature_text(text: str) -> str:
    """What near-duplicates share: folded text, digits as one 0, no spaces or punctuation."""
    return _NOISE.sub("", _DIGITS.sub("0", fold(text)))


@dataclass
class _ClusterState:
    id: str
    size: int = 0
    recent: deque[float] = field(default_factory=deque)


class NearDuplicateIndex:
    """Implements the pipeline's `Clusterer`: stateful across batches, bounded in memory."""

    def __init__(
        self,
        *,
        bands: int = 16,
        rows: int = 3,
        window_s: float = 3600.0,
        capacity: int = 200_000,
        seed: int = 1,
    ) -> None:
        self.bands, self.rows = bands, rows
        self.window_s = window_s
        self.capacity = capacity
        rng = np.random.default_rng(seed)
        perms = bands * rows
        # Multiply-xorshift hash family: odd multipliers, random xors; uint64 arithmetic wraps.
        self._mul = rng.integers(1, 2**63, size=perms, dtype=np.uint64) | np.uint64(1)
        self._xor = rng.integers(0, 2**63, size=perms, dtype=np.uint64)
        self._bands: OrderedDict[int, str] = OrderedDict()
        self._clusters: OrderedDict[str, _ClusterState] = OrderedDict()
        self._clock = 0.0

    def assign(self, posts: Sequence[Post]) -> list[Cluster]:
        sigs = self.signatures([p.text for p in posts])
        empty = (sigs[:, 0] == _EMPTY).tolist()
        keys = self.band_keys(sigs).tolist()
        return [
            Cluster(id=f"nd-{post.id}", size=1, growth=1)  # nothing left after normalisation
            if is_empty
            else self._join(post, band_keys)
            for post, band_keys, is_empty in zip(posts, keys, empty, strict=True)
        ]

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """MinHash signatures, (texts, bands*rows) uint64, for a whole batch at once."""
        keys = [signature_text(t) for t in texts]
        out = np.full((len(texts), len(self._mul)), np.iinfo(np.uint64).max, dtype=np.uint64)
        for part in bounded_slices(keys, len(keys), CHUNK_CHARS):
            self._sign(keys[part], out[part])  # `out[part]` is a view: written in place
        return out

    def _sign(self, keys: Sequence[str], out: np.ndarray) -> None:
        codes, owners = _shingles(keys)
        if len(codes) == 0:
            return
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        for j, (mul, xor) in enumerate(zip(self._mul, self._xor, strict=True)):
            h = (codes ^ xor) * mul
            h ^= h >> np.uint64(29)
            out[owners[starts], j] = np.minimum.reduceat(h, starts)

    def band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """One 64-bit key per (post, band): the band's rows and its index, hashed together.

        Python ints make the per-post dictionary work cheap (bytes keys cost a slice and a copy
        each); two different bands colliding in 64 bits is as likely as a MinHash collision.
        """
        bands = sigs.reshape(len(sigs), self.bands, self.rows)
        keys = np.broadcast_to(np.arange(1, self.bands + 1, dtype=np.uint64), bands.shape[:2])
        keys = keys.copy()
        for r in range(self.rows):
            keys = (keys ^ bands[:, :, r]) * _KEY_MUL
            keys ^= keys >> np.uint64(31)
        return keys

    def _join(self, post: Post, band_keys: list[int]) -> Cluster:
        now = post.created_at.timestamp() if post.created_at is not None else self._clock
        self._clock = max(self._clock, now)
        state = self._find(band_keys) or self._new(post.id)
        for key in band_keys:
            self._bands[key] = state.id
            self._bands.move_to_end(key)
        state.size += 1
        state.recent.append(now)
        while state.recent and state.recent[0] < now - self.window_s:
            state.recent.popleft()
        self._evict()
        return Cluster(id=state.id, size=state.size, growth=len(state.recent))

    def _find(self, band_keys: list[int]) -> _ClusterState | None:
        for key in band_keys:
            cluster_id = self._bands.get(key)
            state = self._clusters.get(cluster_id) if cluster_id else None
            if state is not None:
                self._clusters.move_to_end(state.id)
                return state
        return None

    def _new(self, post_id: str) -> _ClusterState:
        state = _ClusterState(id=f"nd-{post_id}")
        self._clusters[state.id] = state
        return state

    def _evict(self) -> None:
        while len(self._bands) > self.capacity * self.bands:
            self._bands.popitem(last=False)
        while len(self._clusters) > self.capacity:
            self._clusters.popitem(last=False)

    @property
    def clusters_held(self) -> int:
        # Not __len__: an empty index must stay truthy where the pipeline checks `if clusterer`.
        return len(self._clusters)


def _shingles(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Character 3-gram codes of every key, concatenated, with the index of the key they came from.

    A key shorter than 3 characters is one shingle by itself; an empty key has none.
    """
    joined = "".join(keys)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    owner_of_char = np.repeat(np.arange(len(keys)), lengths)
    n = len(cps)
    if n == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    padded = np.r_[cps, np.zeros(2, np.uint64)]
    codes = (padded[:n] << np.uint64(42)) ^ (padded[1 : n + 1] << np.uint64(21)) ^ padded[2 : n + 2]
    ends = np.cumsum(lengths)
    position = np.arange(n) - np.repeat(ends - lengths, lengths)
    remaining = np.repeat(lengths, lengths) - position
    # A 3-gram must not cross into the next key; short keys keep their single leading shingle.
    short = (position == 0) & (remaining < 3)
    valid = (remaining >= 3) | short
    if short.any():
        keep = np.where(remaining == 1, _ONE_CHAR, np.where(remaining == 2, _TWO_CHARS, _MASK))
        codes = np.where(short, codes & keep.astype(np.uint64), codes)
    return codes[valid], owner_of_char[valid]
