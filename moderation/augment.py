"""Templated sentences added to the toxicity training set (benign shapes, with hateful twins).

The public corpora teach a bag-of-n-grams model that second person is toxic ("you are a …" is
mostly followed by an insult in Jigsaw) and that naming a group is toxic. Newcomers in a surge
write exactly those shapes kindly ("you are all so kind", "I don't hate anyone here"), so the
model sees a few thousand of them as non-toxic: compliments, thanks, questions, negated hate and
counter-speech, people naming their identity, violent idioms ("you killed it"), neutral mentions
of places and groups, in English and Chinese; each shape has hateful twins. Only the training
split gets them; every metric in the model card is measured on the corpora's held-out rows.
Seeded, so training stays reproducible.
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


# Naming who you are is not an insult. Corpora of slurs teach that "gay" or "black" is toxic on
# its own ("I'm a gay man and proud" scored 0.90), so identity statements are taught as benign,
# with hateful twins about the same identities (the mitigation of Dixon et al. 2018, "Measuring
# and Mitigating Unintended Bias in Text Classification").
_IDENTITIES = [
    "gay",
    "lesbian",
    "bisexual",
    "trans",
    "black",
    "asian",
    "chinese",
    "mexican",
    "muslim",
    "jewish",
    "christian",
    "disabled",
    "deaf",
    "african",
]
_IDENTITY_NEUTRAL = [
    "I'm {a} and proud of it",
    "as a {a} woman I can relate",
    "my best friend is {a}",
    "he is a {a} man who loves cooking",
    "she's a {a} artist from new york",
    "being {a} is nothing to be ashamed of",
    "our new neighbours are {a}",
    "I grew up in a {a} family",
    "my uncle is {a} and runs a small restaurant",
    "my coworker is {a} and super nice",
    "I am {a} and I just moved here",
    "{a} couple opens a new bakery downtown",
    "my teacher is {a}",
    "proud to be {a}",
    "a {a} friend taught me to cook",
    "happy to meet other {a} folks here",
]
_IDENTITY_HATEFUL = [
    "{a} people are disgusting",
    "I hate {a} people",
    "nobody wants {a} people here",
    "being {a} is a disease",
    "{a} people should not be allowed to live here",
]
# Violent words used as idioms ("you killed it!", "笑死我了") are praise and jokes; threats
# aimed at a person are their twins.
_IDIOMS = [
    "you killed it",
    "this song kills me every time",
    "kill the lights when you leave",
    "my feet are killing me",
    "I'm dying of laughter",
    "that joke killed",
    "she destroyed that performance",
    "this beat slaps",
    "I could murder a burger right now",
    "break a leg tonight",
    "笑死我了",
    "累死了",
    "热死了",
    "这个视频笑死人",
    "好吃到哭",
]
_THREATS = [
    "I will kill you",
    "I'm going to find you and hurt you",
    "you should die",
    "I'll beat you until you bleed",
    "someone should shoot you",
    "我要杀了你",
    "去死吧你",
    "我弄死你",
    "小心我打死你",
]
# Chinese counter-speech and neutral mentions of groups, with hateful twins (SWSR and COLD teach
# that naming women or foreigners is offensive; "说女人都是蠢货是错误的" scored 0.90).
_ZH_GROUPS = ["女人", "女生", "外国人", "黑人", "同性恋", "老外", "美国人", "农村人", "残疾人"]
_ZH_NEUTRAL = [
    "我是{g}",
    "我的好朋友是{g}",
    "{g}也是普通人",
    "说{g}都是蠢货是不对的",
    "不要歧视{g}",
    "骂{g}的人才可笑",
    "{g}不应该被骂",
    "尊重{g}",
]
_ZH_HATEFUL = ["{g}都是蠢货", "{g}滚出去", "讨厌{g}", "{g}就是垃圾", "{g}都该死"]


def template_rows(seed: int) -> pd.DataFrame:
    """A few thousand templated rows, mostly non-toxic, for the training split only."""
    rng = random.Random(seed)
    texts = [f"{y} {n}" for y, n in itertools.product(_YOU, _NICE)]
    texts += [t.format(g=g) for t, g in itertools.product(_NEGATED + _COUNTER, _GROUPS)]
    texts += [t.format(q=q) for t, q in itertools.product(_OTHER, _Q)]
    texts += [f"{z}{rng.choice(['', '！', '~', ' 😊', '❤️'])}" for z in _ZH for _ in range(6)]
    texts += [t.capitalize() + rng.choice(["!", " 😊", " ❤️", " lol", ""]) for t in list(texts)]
    texts += [t.format(p=p) for t, p in itertools.product(_PLACE_NEUTRAL, _PLACES)]
    identity = [t.format(a=a) for t, a in itertools.product(_IDENTITY_NEUTRAL, _IDENTITIES)]
    texts += identity + [t.capitalize() + rng.choice(["!", ".", " 😊", ""]) for t in identity]
    texts += [t.format(g=g) for t, g in itertools.product(_ZH_NEUTRAL, _ZH_GROUPS)]
    texts += [
        f"{i}{rng.choice(['', '!', ' 😂', ' lol', '哈哈'])}" for i in _IDIOMS for _ in range(4)
    ]
    hateful = [t.format(g=g) for t, g in itertools.product(_HATEFUL, _GROUPS)]
    hateful += [t.format(p=p) for t, p in itertools.product(_PLACE_HATEFUL, _PLACES)]
    hateful += [t.format(a=a) for t, a in itertools.product(_IDENTITY_HATEFUL, _IDENTITIES)]
    hateful += [t.format(g=g) for t, g in itertools.product(_ZH_HATEFUL, _ZH_GROUPS)]
    hateful += [f"{t}{rng.choice(['', '!', '。'])}" for t in _THREATS for _ in range(4)]
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
