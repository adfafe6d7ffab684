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
]

URGENCY = [
    *("立即", "马上", "限时", "名额", "赶紧", "抓紧", "秒批", "稳赚", "仅限", "仅剩", "抢购"),
    *("秒杀", "速来", "清零", "先到先得", "手慢无", "截止", "即将过期", "即将到期", "限量"),
    *("数量有限", "机不可失", "错过再等", "倒计时", "火爆", "火热"),
]

CALL_TO_ACTION = [
    *("点击", "领取", "咨询", "有意者", "退订", "详询", "详情", "致电", "来电", "热线", "扫码"),
    *("进群", "光临", "莅临", "选购", "订购", "认购", "到店", "进店", "下单", "新老顾客", "凭短信"),
    *("注册即送", "公众号"),
    # Everyday verbs count only in a marketing phrase: "关注了一个博主", "我报名了马拉松" and
    # "提前一周预约" are ordinary posts.
    *("关注我", "关注本", "求关注", "点关注", "加关注", "关注后", "欢迎关注"),
    *("报名中", "欢迎报名", "火热报名", "报名从速", "欢迎预约", "预约热线", "电话预约"),
]
