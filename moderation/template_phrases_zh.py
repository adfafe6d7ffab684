"""The Chinese phrases `moderation.augment` composes into training sentences (data, not logic).

Each benign list has hateful twins nearby, as in `moderation.template_phrases` (the English ones
and the lists that mix both languages). Every sentence here is our own.
"""

KIND = [
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
PLACES = [
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
PLACE_NEUTRAL = [
    "我在{p}工作",
    "下个月去{p}出差",
    "我老家在{p}",
    "{p}的天气怎么样",
    "{p}的小吃很好吃",
    "刚从{p}回来",
    "有人在{p}吗",
    "{p}今天好冷",
]
PLACE_HATEFUL = [
    "{p}人都是骗子",
    "{p}人素质太差了",
    "讨厌{p}人",
    "{p}人滚出去",
    "{p}人没一个好东西",
]

# Chinese counter-speech and neutral mentions of groups, with hateful twins (SWSR and COLD teach
# that naming women or foreigners is offensive; "说女人都是蠢货是错误的" scored 0.90).
GROUPS = [
    "女人",
    "女生",
    "外国人",
    "黑人",
    "同性恋",
    "老外",
    "美国人",
    "农村人",
    "残疾人",
    "脑瘫患者",
    "智障人士",
]
NEUTRAL = [
    "我是{g}",
    "我的好朋友是{g}",
    "{g}也是普通人",
    "说{g}都是蠢货是不对的",
    "不要歧视{g}",
    "骂{g}的人才可笑",
    "{g}不应该被骂",
    "尊重{g}",
    # Twins of the derogations below without an insult word: the same nouns, said kindly.
    # (Negated twins, "{g}不是社会的负担", taught the n-grams of the insult as benign and were
    # dropped: "老年人都是社会的负担" fell from 0.71 to 0.27.)
    "{g}和我们有一样的权利",
    "{g}也可以当好父母",
]
HATEFUL = [
    "{g}都是蠢货",
    "{g}滚出去",
    "讨厌{g}",
    "{g}就是垃圾",
    "{g}都该死",
    # Derogation with no insult word in it, which COLD (race, region, gender) hardly teaches for
    # disability or sexuality: "同性恋是病" scored 0.05.
    "{g}是一种病，得治",
    "{g}就是社会的累赘",
    "{g}不配有任何权利",
    "{g}都应该被关起来",
    "{g}天生就低人一等",
]

# Swearing in praise ("卧槽太好吃了") is benign; swearing at a person is its twin (as in English).
SWEAR_OPENERS = ["卧槽", "我靠", "我去", "牛逼", "妈呀", "我草"]
PRAISE = ["这也太好吃了", "风景绝了", "你做的视频好棒", "终于学会了", "这只猫好可爱", "太美了吧"]

# Chinese abuse online is often pinyin initials (nmsl = 你妈死了, cnm = 操你妈, sb = 傻逼,
# nt = 脑瘫) and disability words aimed at a person; GROUPS names the disabilities neutrally.
SWEAR_AT = [
    "你这个{i}",
    "{i}，给我滚",
    "你他妈是{i}吧",
    "去你妈的{i}",
    "闭嘴吧你这个{i}",
    "nmsl，你个{i}",
    "cnm，你个{i}",
]
INSULTS = ["傻逼", "脑残", "废物", "贱人", "蠢猪", "狗东西", "sb", "nt", "脑瘫", "智障", "傻b"]
INSULTS += ["白痴", "弱智"]

# Calling someone something: COLD and SWSR are about groups, so "你是个白痴" scored 0.19. The
# kind twins keep the shape itself neutral ("你是个好人").
CALLED = ["你是个{x}", "你就是个{x}", "你们都是{x}", "你真是个{x}"]
CALLED_NICE = ["好人", "天才", "好老师", "暖心的人", "可爱的人", "好朋友", "厉害的人", "有趣的人"]

# Everyday abuse with no insult noun in it (brainless, sick, worthless, shameless, get lost), aimed
# at the reader or the thread; the twins use the same words for what they say ("手机进水了").
ABUSE = [
    *("你脑子进水了吧", "你脑子被驴踢了吧", "你是不是有病", "你有病吧", "神经病吧你"),
    *("你算什么东西", "你算老几", "你也配", "你要不要脸", "臭不要脸", "你妈没教过你做人吗"),
    *("给爷爬", "滚远点", "闭上你的臭嘴", "丑八怪", "你这智商没救了", "没脑子的东西"),
    *("低能儿", "人渣", "败类", "你是猪吗", "死肥猪", "老不死的", "杠精", "喷子滚", "你个键盘侠"),
]
ABUSE_AT = ["", "楼上", "楼主", "这人"]
ABUSE_TWINS = [
    *("手机进水了怎么办", "我脑子有点乱，明天再说", "我今天生病了，有点不舒服", "医生说我没什么病"),
    *("神经内科在几楼", "你算数真快", "这道题怎么算", "你也来了呀", "我家的猪养得好肥"),
    *("我是个吃货，胖成猪了哈哈", "小朋友在玩滚雪球", "闭上眼睛许个愿", "给爷爷打个电话"),
    *("周末去爬山了，累死了", "这个剧的反派演得真好", "要脸的话就别熬夜了哈哈"),
]
