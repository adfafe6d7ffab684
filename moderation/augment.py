"""Templated sentences added to the toxicity training set (benign shapes, with hateful twins).

The public corpora teach a bag-of-n-grams model that second person is toxic ("you are a …" is
mostly followed by an insult in Jigsaw) and that naming a group is toxic. Newcomers in a surge
write exactly those shapes kindly ("you are all so kind", "I don't hate anyone here"), so the
model sees a few thousand of them as non-toxic: compliments, thanks, questions, negated hate and
counter-speech, in English and Chinese. Only the training split gets them; every metric in the
model card is measured on the corpora's held-out rows. Seeded, so training stays reproducible.
"""

from __future__ import annotations

import itertools
import random

import pandas as pd

SOURCE = "benign_templates"

_YOU = ["you are", "you're", "u r", "you guys are", "you all are", "y'all are", "everyone here is"]
_NICE = [
    "a wonderful person",
    "so kind",
    "amazing",
    "the best",
    "so welcoming",
    "really funny",
    "so talented",
    "a great teacher",
    "lovely",
    "so patient with us",
    "adorable",
    "awesome",
    "a legend",
    "too sweet",
    "incredible",
    "so helpful",
    "a gem",
    "brilliant",
]
_GROUPS = [
    "immigrants",
    "refugees",
    "foreigners",
    "americans",
    "chinese people",
    "women",
    "men",
    "muslims",
    "black people",
    "gay people",
    "newcomers",
    "tiktok refugees",
    "asians",
]
_NEGATED = [
    "I don't hate {g}",
    "I would never hate {g}",
    "{g} are welcome here",
    "{g} are not the problem",
    "nobody should hate {g}",
    "there is nothing wrong with {g}",
    "I love meeting {g}",
    "{g} deserve respect",
    "stop blaming {g}",
    "{g} are people like us",
]
_COUNTER = [
    "saying {g} are trash is racist and wrong",
    "calling {g} names is not okay",
    "it's disgusting how people talk about {g}",
    "please stop insulting {g}",
    "hating {g} is stupid, be kind",
    "don't tell {g} to go back, they are welcome",
]
# Their toxic twins, so the model learns the contrast (negation, counter-speech) rather than
# "a group name means benign".
_HATEFUL = [
    "I hate {g}",
    "{g} are disgusting",
    "{g} should go back where they came from",
    "{g} are subhuman",
    "all {g} are criminals",
    "{g} are trash",
    "get rid of all {g}",
    "{g} are a disease",
    "I can't stand {g}, they ruin everything",
    "{g} are stupid animals",
]
_OTHER = [
    "honest question: what's a polite way to {q}?",
    "how do I {q}?",
    "is it rude to {q}?",
    "can someone tell me how to {q}?",
    "genuine question, how do people here {q}?",
]
_Q = [
    "greet people here",
    "say thank you in chinese",
    "ask for a recipe",
    "make friends",
    "reply to comments",
    "say sorry",
    "follow someone",
    "use the search",
]
_ZH = [
    "你真好",
    "谢谢你们",
    "你们太友好了",
    "你是最棒的",
    "我不讨厌外国人",
    "外国人也很友好",
    "欢迎大家",
    "谢谢你的耐心",
    "你们都很可爱",
    "不要骂外国人，他们是来交朋友的",
    "地域黑是不对的",
    "你們真好",
    "謝謝你們",
    "我不討厭外國人",
    "你说的对",
    "你太有才了",
    "你好可爱啊",
]


# COLD teaches regional discrimination, so a bag of n-grams learns that a place name is offensive
# ("a post about snow in a city" scored 0.68). Neutral sentences about places, with hateful twins
# about the people of those places, teach the difference.
_PLACES = [
    "河南",
    "东北",
    "上海",
    "北京",
    "广东",
    "四川",
    "湖南",
    "新疆",
    "西安",
    "深圳",
    "武汉",
    "天津",
    "福建",
    "山东",
]
_PLACE_NEUTRAL = [
    "我在{p}工作",
    "下个月去{p}出差",
    "我老家在{p}",
    "{p}的天气怎么样",
    "{p}的小吃很好吃",
    "刚从{p}回来",
    "有人在{p}吗",
    "{p}今天好冷",
]
_PLACE_HATEFUL = [
    "{p}人都是骗子",
    "{p}人素质太差了",
    "讨厌{p}人",
    "{p}人滚出去",
    "{p}人没一个好东西",
]


def template_rows(seed: int) -> pd.DataFrame:
    """A few thousand templated rows, mostly non-toxic, for the training split only."""
    rng = random.Random(seed)
    texts = [f"{y} {n}" for y, n in itertools.product(_YOU, _NICE)]
    texts += [t.format(g=g) for t, g in itertools.product(_NEGATED + _COUNTER, _GROUPS)]
    texts += [t.format(q=q) for t, q in itertools.product(_OTHER, _Q)]
    texts += [f"{z}{rng.choice(['', '！', '~', ' 😊', '❤️'])}" for z in _ZH for _ in range(6)]
    texts += [t.capitalize() + rng.choice(["!", " 😊", " ❤️", " lol", ""]) for t in list(texts)]
    texts += [t.format(p=p) for t, p in itertools.product(_PLACE_NEUTRAL, _PLACES)]
    hateful = [t.format(g=g) for t, g in itertools.product(_HATEFUL, _GROUPS)]
    hateful += [t.format(p=p) for t, p in itertools.product(_PLACE_HATEFUL, _PLACES)]
    hateful += [t.capitalize() + rng.choice(["!", "", "."]) for t in list(hateful)]
    return pd.DataFrame(
        {
            "text": texts + hateful,
            "label": [0] * len(texts) + [1] * len(hateful),
            "lang": "en",
            "source": SOURCE,
            "task": "toxicity",
            "split": "train",
        }
    )
