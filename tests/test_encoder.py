"""`moderation.encoder.Tokens`: word pieces for a batch, long posts cut to their head and tail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tiny_bert_config

pytest.importorskip("transformers")
from moderation.encoder import Tokens, resolve_precision  # noqa: E402  (needs torch)

WORDS = [f"w{i}" for i in range(12)]
CLS, SEP = 2, 3  # the tiny vocabulary's special tokens: [PAD] [UNK] [CLS] [SEP] [MASK] w0 …


def piece(word: str) -> int:
    return 5 + WORDS.index(word)


@pytest.fixture(scope="module")
def vocab_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tokens")
    tiny_bert_config(folder, WORDS, width=8, layers=1)
    return folder


def post(*indices: int) -> str:
    return " ".join(WORDS[i] for i in indices)


@pytest.mark.parametrize(
    ("tail", "text", "kept"),
    [
        (2, post(0, 1, 2), [0, 1, 2]),  # short posts are whole
        (2, post(*range(6)), list(range(6))),  # exactly the room left by [CLS] and [SEP]
        (2, post(*range(10)), [0, 1, 2, 3, 8, 9]),  # head 4 + tail 2
        (0, post(*range(10)), [0, 1, 2, 3, 4, 5]),  # no tail: the first pieces, as before
        (5, post(*range(10)), [0, 5, 6, 7, 8, 9]),
    ],
)
def test_a_long_post_keeps_its_head_and_its_tail(
    vocab_dir: Path, tail: int, text: str, kept: list[int]
) -> None:
    ids, mask = Tokens(vocab_dir, max_tokens=8, tail_tokens=tail)([text])
    expected = [CLS, *(piece(WORDS[i]) for i in kept), SEP]
    assert ids[0].tolist() == expected
    assert mask[0].tolist() == [1] * len(expected)


def test_a_batch_is_padded_to_its_longest_post(vocab_dir: Path) -> None:
    ids, mask = Tokens(vocab_dir, max_tokens=8, tail_tokens=2)([post(0), post(*range(10)), ""])
    assert ids.shape == mask.shape == (3, 8)
    assert ids[0].tolist() == [CLS, piece("w0"), SEP, 0, 0, 0, 0, 0]
    assert mask.sum(dim=1).tolist() == [3, 8, 2]


def test_without_a_tail_it_matches_the_tokenizers_own_truncation(vocab_dir: Path) -> None:
    from transformers import AutoTokenizer

    texts = [post(*range(10)), post(3, 1), post(*range(7))]
    ref = AutoTokenizer.from_pretrained(str(vocab_dir))(
        texts, padding=True, truncation=True, max_length=8, return_tensors="pt"
    )
    ids, mask = Tokens(vocab_dir, max_tokens=8)(texts)
    assert ids.tolist() == ref["input_ids"].tolist()
    assert mask.tolist() == ref["attention_mask"].tolist()


@pytest.mark.parametrize("tail", [-1, 6, 7])
def test_a_tail_that_leaves_no_head_is_refused(vocab_dir: Path, tail: int) -> None:
    with pytest.raises(ValueError, match="tail_tokens"):
        Tokens(vocab_dir, max_tokens=8, tail_tokens=tail)


@pytest.mark.parametrize(
    ("hardware", "asked", "used"),
    [
        (True, "auto", "bf16"),
        (False, "auto", "fp32"),  # emulated bfloat16 would be slower than float32
        (False, "bf16", "bf16"),  # asked for explicitly
        (True, "fp32", "fp32"),
    ],
)
def test_auto_precision_is_bfloat16_only_where_the_cpu_does_it(
    monkeypatch: pytest.MonkeyPatch, hardware: bool, asked: str, used: str
) -> None:
    import torch

    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: hardware, raising=False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)
    assert resolve_precision(asked) == used
