"""Templated sentences added to the toxicity training set (benign shapes, with hateful twins).

The public corpora teach a bag-of-n-grams model that second person is toxic ("you are a …" is
mostly followed by an insult in Jigsaw) and that naming a group is toxic. Newcomers in a surge
write exactly those shapes kindly ("you are all so kind", "I don't hate anyone here"), so the
model sees a few thousand of them as non-toxic: compliments, thanks, questions, negated hate and
counter-speech, people naming their identity, violent idioms ("you killed it"), swearing in praise
("holy shit this is good"), neutral mentions of places and groups, in English and Chinese; each
shape has hateful twins. The phrases are data, in `moderation.template_phrases` (English, and the
lists that mix both languages) and `template_phrases_zh`. Only the training split gets them; every
metric in the model card is measured on the corpora's held-out rows. Seeded, so training stays
reproducible.
"""

from __future__ import annotations

import itertools
import random

import pandas as pd

from moderation import template_phrases as EN
from moderation import template_phrases_zh as ZH
from moderation.cascade import has_han

SOURCE = "benign_templates"
SHARE = "share"  # column: the row's weight against a corpus row of the same source and class
# The kind templates that don't swear weigh a quarter as much as the rest. They teach shapes the
# corpora have few of, and at a full share they outweighed the corpora themselves; the swearing
# in praise contradicts Jigsaw's labels on purpose and the hateful twins teach what to flag, so
# both keep a full share. Chosen on the calibration split (model card, *What the templates cost
# Jigsaw*): Jigsaw AUC +0.0003, SWSR +0.0006, COLD +0.0002, wiki_talk -0.0003.
KIND_SHARE = 0.25


def template_rows(seed: int) -> pd.DataFrame:
    """A few thousand templated rows, mostly non-toxic, for the training split only."""
    rng = random.Random(seed)
    texts = [f"{y} {n}" for y, n in itertools.product(EN.YOU, EN.NICE)]
    texts += [t.format(g=g) for t, g in itertools.product(EN.NEGATED + EN.COUNTER, EN.GROUPS)]
    texts += [t.format(q=q) for t, q in itertools.product(EN.QUESTION_SHAPES, EN.QUESTIONS)]
    texts += [f"{z}{rng.choice(['', '！', '~', ' 😊', '❤️'])}" for z in ZH.KIND for _ in range(6)]
    texts += [t.capitalize() + rng.choice(["!", " 😊", " ❤️", " lol", ""]) for t in list(texts)]
    texts += [t.format(p=p) for t, p in itertools.product(ZH.PLACE_NEUTRAL, ZH.PLACES)]
    identity = [t.format(a=a) for t, a in itertools.product(EN.IDENTITY_NEUTRAL, EN.IDENTITIES)]
    texts += identity + [t.capitalize() + rng.choice(["!", ".", " 😊", ""]) for t in identity]
    texts += [t.format(g=g) for t, g in itertools.product(ZH.NEUTRAL, ZH.GROUPS)]
    texts += [
        f"{i}{rng.choice(['', '!', ' 😂', ' lol', '哈哈'])}" for i in EN.IDIOMS for _ in range(4)
    ]
    swearing_from = len(texts)
    texts += [f"{o} {p}" for o, p in itertools.product(EN.SWEAR_OPENERS, EN.PRAISE)]
    texts += [
        t.format(t=th, a=rng.choice(EN.GOOD))
        for t, th in itertools.product(EN.SWEAR_INTENSIFIED, EN.THINGS)
    ]
    texts += [
        f"{o}{rng.choice(['，', '！', ''])}{p}"
        for o, p in itertools.product(ZH.SWEAR_OPENERS, ZH.PRAISE)
    ]
    swearing = range(swearing_from, len(texts))
    texts += [t.format(x=x) for t, x in itertools.product(ZH.CALLED, ZH.CALLED_NICE)]
    texts += [f"{t}{e}" for t, e in itertools.product(ZH.ABUSE_TWINS, ["", "。", "～", "哈哈"])]
    hateful = [f"{y} {m}" for y, m in itertools.product(EN.YOU, EN.MEAN)]
    hateful += [t.format(x=x) for t, x in itertools.product(ZH.CALLED, ZH.INSULTS)]
    hateful += [f"{o}{a}{rng.choice(['', '！', '。'])}" for o in ZH.ABUSE_AT for a in ZH.ABUSE]
    hateful += [t.format(g=g) for t, g in itertools.product(EN.HATEFUL, EN.GROUPS)]
    hateful += [t.format(i=i) for t, i in itertools.product(EN.SWEAR_AT, EN.INSULTS)]
    hateful += [t.format(i=i) for t, i in itertools.product(ZH.SWEAR_AT, ZH.INSULTS)]
    hateful += [t.format(p=p) for t, p in itertools.product(ZH.PLACE_HATEFUL, ZH.PLACES)]
    hateful += [t.format(a=a) for t, a in itertools.product(EN.IDENTITY_HATEFUL, EN.IDENTITIES)]
    hateful += [t.format(g=g) for t, g in itertools.product(ZH.HATEFUL, ZH.GROUPS)]
    hateful += [f"{t}{rng.choice(['', '!', '。'])}" for t in EN.THREATS for _ in range(4)]
    hateful += [f"{o} {a}" for o, a in itertools.product(EN.THREAT_OPENERS, EN.THREAT_ACTS)]
    hateful += [t.capitalize() + rng.choice(["!", "", "."]) for t in list(hateful)]
    return pd.DataFrame(
        {
            "text": texts + hateful,
            "label": [0] * len(texts) + [1] * len(hateful),
            # Every Chinese template has a Han character (the pinyin insults too: "nmsl，你个sb").
            "lang": ["zh" if has_han(t) else "en" for t in texts + hateful],
            "source": SOURCE,
            "task": "toxicity",
            "split": "train",
            SHARE: [1.0 if i in swearing else KIND_SHARE for i in range(len(texts))]
            + [1.0] * len(hateful),
        }
    )
