"""Phrase banks for the surge simulator. Plain data: edit freely, the generator only samples."""

from __future__ import annotations

NEWCOMER_EN = [
    "hi everyone, tiktok refugee here 👋 {pleasantry}",
    "TikTok refugee checking in from {city}! {pleasantry}",
    "cat tax as promised 🐱 this is {pet}, she says 你好",
    "paying my cat tax so I can stay. meet {pet} 🐈",
    "how do you say '{phrase_en}' in Chinese? trying to learn!",
    "day {n} of learning Mandarin: I can finally say 谢谢 and 你好 😅",
    "is it rude to comment in English here? I don't want to be disrespectful",
    "just made {dish} following a recipe from this app and it was amazing",
    "{city} nurse here, the people on this app are so kind, thank you for the welcome",
    "can someone explain how the search works? the app is all new to me",
    "this app kills me lol the filters are so good 😂",
    "my daughter is teaching me Chinese through this app, wish us luck",
    "hello from {city}! what should I try first on here?",
    "I came for the memes and stayed for the cooking videos 🍜",
    "not gonna lie the welcome here beats anything I expected. love from {city}",
    "question: is this like WeChat or something different? genuinely curious",
    "follow me back? I post {hobby} videos and I'm new here",
    "here's my {hobby} setup, any tips from the locals? 🙏",
    "shoutout to the person who translated my post for me yesterday, you're the best",
    "we got banned from one app and found the nicest community on another lol",
    "trying my first post in Chinese: 我是美国人，很高兴认识你们！",
    "anyone else here from {city}? the time difference is wild",
    "learning 成语 today, {idiom} is my favourite so far",
    "I made a playlist of songs recommended by Chinese users, link in my bio",
    "honest question: what's a polite way to greet people here?",
]

WELCOME_ZH_SIMPLIFIED = [
    "欢迎美国朋友来小红书！{emoji}",
    "欢迎TikTok难民，这里的猫猫税收到了 🐱",
    "美国朋友们好！有什么不懂的可以问我 {emoji}",
    "第一次看到这么多外国朋友，大家好呀",
    "欢迎欢迎，记得交猫税哦 😂",
    "我可以教你们中文，你们教我英语吧！",
    "今天在{city_zh}下雪了，欢迎新来的朋友们",
    "外国朋友做的{dish_zh}看起来好好吃",
    "大家一起学英语吧，有没有人想语言交换？",
    "我们这里的人都很友好，不用担心 {emoji}",
    "加油！学中文不难，慢慢来",
    "看到美国网友晒猫，我也来晒一下我家{pet_zh}",
    "这波外国网友太可爱了哈哈哈",
    "Welcome! 欢迎来到小红书，有问题随时问",
]

WELCOME_ZH_TRADITIONAL = [
    "歡迎美國朋友來小紅書！{emoji}",
    "歡迎TikTok難民，貓貓稅收到了 🐱",
    "美國朋友們好！有什麼不懂的可以問我",
    "我可以教你們中文，你們教我英語吧！",
    "大家一起學英語吧，有沒有人想語言交換？",
    "這裡的人都很友善，不用擔心 {emoji}",
    "加油！學中文不難，慢慢來",
    "來自台灣的問候，歡迎新朋友們",
]

CHATTER_ZH = [
    "今天的{dish_zh}做失败了，求教程",
    "周末去{city_zh}玩，有什么推荐的吗？",
    "分享一下我的通勤穿搭 {emoji}",
    "考研的姐妹们加油，还有三十天",
    "这家咖啡店的拿铁真的绝了",
    "新买的护肤品用了一周，说说感受",
    "{city_zh}的夜景太美了",
    "猫猫今天又把花盆打翻了 😤",
    "有没有人推荐好看的电视剧？",
    "今天终于把房间收拾干净了，开心",
    "健身第{n}天，体重终于动了",
    "这个滤镜怎么调的？求参数",
    "週末去爬山了，空氣很好 {emoji}",
    "下班路上看到的晚霞，分享给大家",
]

MIXED_FRIENDLY = [
    "Hello 小红书! I'm {name} from {city}, 很高兴认识你们",
    "谢谢 for the warm welcome everyone ❤️",
    "My first {dish_zh} attempt, 请多指教!",
    "学中文 day {n}: 我喜欢猫 = I like cats 🐱",
    "cat tax 猫税 paid 😂 meet {pet}",
    "Can someone 教我 how to say good morning? 早上好?",
    "美国朋友 here, loving the 美食 videos so much",
]

SPAM_ZH = [
    "{job_zh}，日结{money}元，有意者{contact_zh}",
    "想赚钱的{contact_zh}，{job_zh}，手机就能做",
    "低价出售粉丝，一千粉只要{money}，{contact_zh}",
    "USDT稳赚项目，日收益{pct}%，{contact_zh}",
    "网贷秒批，无需征信，{contact_zh}",
    "{casino_zh}，首充送{money}，{contact_zh}",
]

SPAM_ZH_TRADITIONAL = [
    "{job_zht}，日結{money}元，有意者{contact_zht}",
    "想賺錢的{contact_zht}，{job_zht}，手機就能做",
    "低價出售粉絲，一千粉只要{money}，{contact_zht}",
    "USDT穩賺項目，日收益{pct}%，{contact_zht}",
]

SPAM_EN = [
    "{leet_followers} fast and cheap!! DM me on telegram {tg}",
    "earn ${money} a day from home, no experience, WhatsApp {phone}",
    "crypto signals group, {pct}% daily profit guaranteed 👉 {link}",
    "hey newcomers! want {leet_followers}? message {tg} now",
    "claim your free USDT airdrop before it ends: {link}",
    "part time job for tiktok refugees, ${money}/day, contact WhatsApp {phone}",
]

SPAM_MIXED = [
    "Welcome friends! 想学中文 free lessons {contact_zh} 👈",
    "tiktok refugees earn money here 日结{money} {contact_zh}",
]

TOXIC_EN = [
    "you're a pathetic idiot, nobody wants you here",
    "go back to tiktok you stupid losers",
    "shut up you moron, nobody asked",
    "{group_en} are disgusting trash and should leave",
    "kill yourself you worthless piece of garbage",
    "what a dumb bitch, delete your account",
    "all of you {group_en} are subhuman scum",
    "this app is full of brainwashed idiots lol",
]

TOXIC_ZH = [
    "美国佬滚出小红书，这里不欢迎你们这些洋垃圾",
    "你是傻逼吧，脑子有病",
    "这些外国人都是垃圾，滚回去",
    "{group_zh}都是废物，去死吧",
    "白皮猪来这里干什么，滚",
    "说的什么狗屁，脑残一个",
    "你妈死了吗，这么说话",
    "滾出去，你們這些垃圾",
]

GROUPS_EN = ["chinese people", "americans", "foreigners", "immigrants", "refugees"]
GROUPS_ZH = ["美国人", "外国人", "黑人", "河南人", "女的"]

CONTACT_ZH = [
    "加微信{handle}",
    "加V：{handle}",
    "VX {handle}",
    "薇信{handle}",
    "加 微 信 {handle}",
    "威❤{handle}",
    "+薇：{handle}",
    "扣扣{qq}",
    "v.x: {handle}",
]
CONTACT_ZHT = ["加微信{handle}", "加V：{handle}", "薇信{handle}", "加 微 信 {handle}", "賴{handle}"]

JOBS_ZH = ["兼职刷单", "在家兼职", "招聘打字员", "点赞兼职", "宝妈兼职"]
JOBS_ZHT = ["兼職刷單", "在家兼職", "招聘打字員", "點讚兼職"]
CASINOS_ZH = ["澳门首家线上赌场", "百家乐平台", "真人娱乐"]
LEET_FOLLOWERS = [
    "buy followers",
    "fr33 f0ll0wers",
    "FREE F0LLOWERS",
    "f.o.l.l.o.w.e.r.s",
    "b u y  f o l l o w e r s",
    "ｆｒｅｅ ｆｏｌｌｏｗｅｒｓ",
    "1000 f0llowers for $5",
]
SPAM_DOMAINS = ["bit.ly", "usdt-bonus.top", "earnfast.xyz", "tinyurl.com", "free-airdrop.cc"]

FILLERS = {
    "pleasantry": ["nice to meet you all!", "be gentle with me 😅", "love it here already", "hi!!"],
    "city": ["Ohio", "Texas", "Chicago", "Seattle", "Atlanta", "Brooklyn", "Denver", "Miami"],
    "pet": ["Mochi", "Biscuit", "Luna", "Oreo", "Tofu", "Pepper"],
    "phrase_en": ["good morning", "thank you", "I'm hungry", "nice to meet you"],
    "dish": ["mapo tofu", "dumplings", "hot pot", "egg fried rice", "scallion pancakes"],
    "hobby": ["cooking", "guitar", "makeup", "gaming", "fishing", "knitting"],
    "idiom": ["画蛇添足", "一石二鸟", "马马虎虎"],
    "emoji": ["😊", "🥰", "🎉", "👋", "❤️", ""],
    "city_zh": ["上海", "成都", "北京", "杭州", "重庆", "广州"],
    "dish_zh": ["红烧肉", "饺子", "火锅", "麻婆豆腐", "蛋炒饭"],
    "pet_zh": ["橘猫", "狗狗", "布偶猫"],
    "name": ["Jess", "Mike", "Ashley", "Tyler", "Brianna"],
}
