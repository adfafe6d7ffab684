"""Fixtures for the classifier tests: tiny artifacts built in tmp folders, never downloaded."""

from __future__ import annotations

from pathlib import Path

import pytest

DETOXIFY_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


@pytest.fixture(scope="session")
def tiny_detoxify_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Detoxify-format checkpoint of a 1-layer, 8-wide BERT, plus its config/tokenizer folder."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("detoxify")
    hf = folder / "bert-base-uncased"
    hf.mkdir()
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "you", "are", "an", "idiot", "hello"]
    (hf / "vocab.txt").write_text("\n".join(words) + "\n")
    transformers.BertTokenizer(str(hf / "vocab.txt")).save_pretrained(str(hf))
    config = transformers.BertConfig(
        vocab_size=len(words),
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=16,
        max_position_embeddings=64,
        num_labels=len(DETOXIFY_CLASSES),
    )
    config.save_pretrained(str(hf))
    torch.manual_seed(0)
    model = transformers.BertForSequenceClassification(config)
    checkpoint = {
        "config": {
            "arch": {
                "args": {
                    "model_type": str(hf),
                    "model_name": "BertForSequenceClassification",
                    "tokenizer_name": "BertTokenizer",
                    "num_classes": len(DETOXIFY_CLASSES),
                }
            },
            "dataset": {"args": {"classes": DETOXIFY_CLASSES}},
        },
        "state_dict": model.state_dict(),
    }
    torch.save(checkpoint, folder / "toxic_original-c1212f89.ckpt")
    return folder
