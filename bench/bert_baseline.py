"""The baseline every speed figure is compared with: Detoxify's architecture on the CPU.

bert-base with Detoxify's 6 labels and random weights (nothing is downloaded), batches of 16,
sequences truncated at 128 tokens. No real bert-base tokenizer may be downloaded either; a tiny
WordPiece vocabulary gives one token per word or Han character, slightly fewer than the real one
(which splits rare words), so if anything the baseline looks faster than Detoxify really is.
"""

from __future__ import annotations

import time


def bert_rate(texts: list[str], threads: int) -> float:
    """Posts per second of bert-base over `texts` with torch on `threads` threads."""
    import torch

    # transformers 5's BertTokenizer is the fast (Rust) one; BertTokenizerFast is its alias.
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    torch.set_num_threads(threads)
    config = BertConfig()
    config.num_labels = 6  # Detoxify's original heads
    model = BertForSequenceClassification(config).eval()
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])}
    tok = BertTokenizer(vocab=vocab)
    started = time.perf_counter()
    with torch.no_grad():
        for start in range(0, len(texts), 16):
            batch = tok(
                texts[start : start + 16],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=128,
            )
            model(**batch)
    return len(texts) / (time.perf_counter() - started)
