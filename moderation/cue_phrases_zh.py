"""Chinese spam vocabulary of the `money`, `urgency` and `call_to_action` cues (data, not logic).

There is no Chinese spam to train on, so Chinese spam is scored through these cues: each term
counts in the same column as its English counterparts ("cash", "limited", "click"), and the
weight learnt from English spam carries over. Written in simplified characters; `moderation.cues`
adds every traditional spelling (`normalise.in_both_scripts`) when it compiles the patterns.

Terms are chosen to be rare in ordinary posts: "来电" but not "电话" ("到了给你打电话"), "注册即送"
but not "注册" ("刚注册小红书" is what newcomers write).
"""

MONEY = [
    # Income and payouts (part-time job and task scams).
    *("赚", "收益", "日结", "一单一结", "日入", "月入", "返利", "佣金", "红包", "奖金", "兼职"),
    *("刷单", "加盟", "招代理", "诚招", "急招", "日薪", "代刷", "刷粉"),
    # Prices, discounts and gifts (retail promotions).
    *("免费", "低价", "特价", "特惠", "优惠", "半价", "买一送一", "酬宾", "促销", "清仓", "甩卖"),
    *("低至", "直降", "赠品", "赠送", "送礼", "折扣", "包邮", "厂家直销", "厂家直供", "批发价"),
    *("不成功不收费", "全额退款", "体验金"),
    *("积分兑换", "兑换礼品", "话费"),
    # Loans, investment and prizes.
    *("贷款", "放款", "备用金", "提额", "无抵押", "额度", "利息低", "到账", "理财", "年化", "保本"),
    *("保息", "必涨", "高胜率", "跟单"),
    *("中奖", "彩金", "返现", "提现", "一等奖", "幸运用户", "现金"),
    # Gambling.
    *("首充", "返水", "娱乐城", "赌场", "百家乐", "老虎机", "博彩", "时时彩", "六合彩"),
    # Forged documents and invoices, miracle cures.
    *("代开", "发票", "代办", "办证", "包过", "学历提升", "文凭", "代写", "代发", "包录用", "押题"),
    *("无效退款", "秘方", "专治"),
    # Added at the 23rd stop from the ad categories of Chinese spam SMS (sales, credit, jobs,
    # courses, services, health claims); each is in at most 4 of COLD's and SWSR's 41k posts.
    *("满减", "折上折", "恢复原价", "新品上市", "大促", "爆款", "店庆", "周年庆", "领券", "券后"),
    *("到手价", "活动价", "惊爆价", "会员日", "开业酬宾", "盛大开业", "全网最低", "最低价"),
    *("史上最低", "量大从优", "价格优惠", "价格实惠", "特价房", "零首付", "0首付"),
    *("信用分", "网贷", "逾期", "停息挂账", "套现", "高价回收", "荐股", "牛股", "涨停", "带单"),
    *("投资群", "月收益", "日收益", "稳定收益", "高回报", "收益翻倍", "零利息", "0利息", "免息"),
    *("手工活", "计件", "打字员", "无需经验", "无需押金", "轻松月入", "注册送", "充值送", "投注"),
    *("包中", "减肥茶", "瘦身", "丰胸", "壮阳", "兑奖", "幸运号码", "恭喜您"),
]

URGENCY = [
    *("立即", "马上", "限时", "名额", "赶紧", "抓紧", "秒批", "稳赚", "仅限", "仅剩", "抢购"),
    *("秒杀", "速来", "清零", "先到先得", "手慢无", "截止", "即将过期", "即将到期", "限量"),
    *("数量有限", "机不可失", "错过再等", "倒计时", "火爆", "火热"),
    # Claims no honest ad may make (the PRC Advertising Law's absolute and cure claims), the
    # counterpart of "guaranteed".
    *("根治", "药到病除", "无副作用", "立竿见影", "零风险", "无风险", "稳赚不赔", "保证收益"),
    *("不反弹", "不节食", "包就业", "推荐就业", "保过", "前50名", "前100名", "立减"),
]

CALL_TO_ACTION = [
    *("点击", "领取", "咨询", "有意者", "退订", "详询", "详情", "致电", "来电", "热线", "扫码"),
    *("进群", "光临", "莅临", "选购", "订购", "认购", "到店", "进店", "下单", "新老顾客", "凭短信"),
    *("注册即送", "公众号"),
    # Service and course offers.
    *("欢迎来电", "欢迎咨询", "欢迎选购", "欢迎订购", "欢迎加盟", "一站式", "专业代", "专业承接"),
    *("专业收购", "专业提供", "专业办理", "专业定制", "上门服务", "随叫随到", "代考", "替考"),
    *("代理记账", "刻章", "刷流量", "刷排名", "上首页", "代运营", "零基础", "免费试听"),
    *("火热招生", "招生中", "同城交友", "陪聊"),
    # Everyday verbs count only in a marketing phrase: "关注了一个博主", "我报名了马拉松" and
    # "提前一周预约" are ordinary posts.
    *("关注我", "关注本", "求关注", "点关注", "加关注", "关注后", "欢迎关注"),
    *("报名中", "欢迎报名", "火热报名", "报名从速", "欢迎预约", "预约热线", "电话预约"),
]
