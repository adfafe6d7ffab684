"""The phrases `moderation.augment` composes into templated training sentences (data, not logic).

Each benign list has hateful twins nearby, so the model learns the contrast (negation, an insult
aimed at a person) rather than "this word means benign". Every sentence here is our own.
"""

YOU = ["you are", "you're", "u r", "you guys are", "you all are", "y'all are", "everyone here is"]
NICE = [
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
# NICE's hateful twins: without them "you guys are" and "everyone here is" were learnt as kind
# words, and "you guys are morons" scored 0.28. (Not the Jigsaw test rows' words.)
MEAN = [
    "so stupid",
    "pathetic",
    "disgusting",
    "worthless",
    "useless",
    "idiots",
    "morons",
    "losers",
    "trash",
    "clowns",
    "a joke",
    "brainless",
    "annoying as hell",
    "dumb",
    "ugly",
    "a waste of space",
    "garbage",
    "hopeless idiots",
]
GROUPS = [
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
NEGATED = [
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
COUNTER = [
    "saying {g} are trash is racist and wrong",
    "calling {g} names is not okay",
    "it's disgusting how people talk about {g}",
    "please stop insulting {g}",
    "hating {g} is stupid, be kind",
    "don't tell {g} to go back, they are welcome",
]

# Their toxic twins, so the model learns the contrast (negation, counter-speech) rather than
# "a group name means benign".
HATEFUL = [
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
QUESTION_SHAPES = [
    "honest question: what's a polite way to {q}?",
    "how do I {q}?",
    "is it rude to {q}?",
    "can someone tell me how to {q}?",
    "genuine question, how do people here {q}?",
]
QUESTIONS = [
    "greet people here",
    "say thank you in chinese",
    "ask for a recipe",
    "make friends",
    "reply to comments",
    "say sorry",
    "follow someone",
    "use the search",
]

# Naming who you are is not an insult. Corpora of slurs teach that "gay" or "black" is toxic on
# its own ("I'm a gay man and proud" scored 0.90), so identity statements are taught as benign,
# with hateful twins about the same identities (the mitigation of Dixon et al. 2018, "Measuring
# and Mitigating Unintended Bias in Text Classification").
IDENTITIES = [
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
IDENTITY_NEUTRAL = [
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
IDENTITY_HATEFUL = [
    "{a} people are disgusting",
    "I hate {a} people",
    "nobody wants {a} people here",
    "being {a} is a disease",
    "{a} people should not be allowed to live here",
]

# Violent words used as idioms ("you killed it!", "笑死我了") are praise and jokes; threats
# aimed at a person are their twins.
IDIOMS = [
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
THREATS = [
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
# Threats composed: the idioms above teach violent verbs as harmless, and nine threats were too
# few a twin ("I'll burn your house down" scored 0.29). An intent aimed at "you" is the threat.
THREAT_OPENERS = ["I will", "I'm going to", "I'll", "I swear I will", "I'm gonna", "one day I will"]
THREAT_ACTS = [
    "stab you",
    "kill you and your family",
    "beat you to death",
    "slit your throat",
    "strangle you",
    "smash your face in",
    "hang you",
    "burn you alive",
    "end you",
    "make you bleed",
    "run you over",
    "cut you",
]

# Profanity is how many newcomers praise ("holy shit this is good", "卧槽太好吃了"): Jigsaw and
# Davidson teach that any swear word is toxic ("fuck yeah this song is amazing" was removed at
# 1.00). Swearing in praise and surprise is taught as benign; swearing at a person is its twin.
SWEAR_OPENERS = [
    "fuck yeah",
    "holy shit",
    "holy fuck",
    "damn",
    "hell yeah",
    "oh shit",
    "what the fuck,",
    "goddamn",
    "shit,",
    "fucking hell,",
]
PRAISE = [
    "this is so good",
    "the view is unreal",
    "I finally did it",
    "that's gorgeous",
    "you guys are the best",
    "the food here is incredible",
    "best app ever",
    "welcome everyone",
    "I love this song",
    "this city is beautiful",
]
SWEAR_INTENSIFIED = [
    "this {t} is fucking {a}",
    "this {t} is so damn {a}",
    "I fucking love this {t}",
    "this {t} is {a} as hell",
    "the {t} is the shit",
    "{t} so {a} it's ridiculous, holy shit",
    "so fucking {a}, I love this {t}",
    "this {t} slaps as fuck",
    "no fucking way, this {t} is {a}",
    "{a} as fuck {t} honestly",
    "a fucking {a} {t}, thanks for sharing",
    "damn, that {t} looks {a}",
    "fucking {a} {t} right here",
]
THINGS = [
    "song",
    "dumpling",
    "cat",
    "recipe",
    "community",
    "photo",
    "hotpot",
    "sunset",
    "view",
    "video",
    "street food",
    "playlist",
    "garden",
    "dance",
]
GOOD = ["good", "cute", "tasty", "amazing", "wholesome", "cool", "gorgeous", "delicious", "lovely"]
SWEAR_AT = [
    "fuck you, {i}",
    "shut the fuck up, {i}",
    "you stupid fucking {i}",
    "go fuck yourself {i}",
    "you're a piece of shit {i}",
    "get the fuck out of here you {i}",
    "eat shit, {i}",
    "nobody gives a fuck about you, {i}",
]
INSULTS = ["idiot", "loser", "moron", "clown", "bitch", "asshole"]
