"""Phrase bank for the sample's feedback comments: themes, their keywords, and comment templates.

Each comment is composed from an optional opener, one theme phrase, sometimes a second clause on
another theme, and an optional closer, with product-specific slots, so texts rarely repeat.
Every theme phrase contains at least one of its theme's keywords (tests/test_sample.py checks).
"""

from __future__ import annotations

import re
import string

import numpy as np

# (theme, 中文名, English name, keywords). Written to data/keywords.yaml for the themes feature.
THEMES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("performance", "性能与速度", "Performance and speed",
     ("卡顿", "很卡", "太卡", "卡死", "卡住", "加载慢", "加载", "转圈", "反应慢", "流畅", "速度", "延迟",
      "slow", "lag", "laggy", "loading", "freeze", "frozen", "smooth", "fast", "speed")),
    ("crash", "闪退与故障", "Crashes and bugs",
     ("闪退", "崩溃", "bug", "白屏", "报错", "打不开", "故障",
      "crash", "blank screen", "error", "won't open")),
    ("price", "价格与会员费", "Price and membership fee",
     ("价格", "太贵", "偏贵", "涨价", "会员费", "优惠", "划算", "便宜", "配送费", "续费", "性价比", "挺值",
      "price", "expensive", "overpriced", "delivery fee", "membership fee", "discount", "coupon", "cheap", "worth the money", "renewal")),
    ("customer_service", "客服与售后", "Customer service",
     ("客服", "人工", "退款", "投诉", "售后",
      "customer service", "support", "agent", "refund", "complaint")),
    ("feature", "功能需求", "Features",
     ("功能", "希望增加", "建议增加", "能不能加",
      "feature", "please add", "would be nice", "option", "wish there was")),
    ("ui", "界面与易用性", "Interface and usability",
     ("界面", "字体", "排版", "按钮", "入口", "夜间模式", "找不到",
      "interface", "layout", "button", "font", "dark mode", "design", "redesign", "hard to find")),
    ("delivery", "配送与物流", "Delivery and logistics",
     ("配送", "骑手", "送达", "送到", "超时", "物流", "冷链", "新鲜", "包装",
      "deliver", "courier", "rider", "arrived", "packaging", "packed", "fresh")),
    ("account", "登录与账号", "Login and account",
     ("登录", "验证码", "账号", "密码", "实名", "绑定",
      "login", "log in", "logging", "account", "password", "verification", "sign-in")),
    ("ads", "广告与推送", "Ads and notifications",
     ("广告", "弹窗", "开屏", "推送", "营销短信",
      "ads", "advert", "pop-up", "notification")),
    ("payment", "支付与到账", "Payments",
     ("支付", "付款", "扣款", "到账", "提现", "余额", "转账", "扣了",
      "payment", "charged", "withdraw", "balance", "transfer")),
    ("content", "内容与推荐", "Content and recommendations",
     ("内容", "视频", "直播", "主播", "创作者", "刷到",
      "content", "video", "stream", "creator", "feed")),
)  # fmt: skip

# PHRASES[theme][lang][polarity]: clauses without final punctuation; English starts lower-case.
PHRASES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "performance": {
        "zh": {
            "neg": ("打开{page}要转圈好久", "{page}加载慢得离谱，等了十几秒", "{action}的时候卡顿严重",
                    "一到晚上高峰就卡死", "点一下要反应好几秒，太卡了", "{page}经常卡住不动",
                    "手机不差，但{action}还是很卡", "加载慢，转圈转半天"),
            "pos": ("{page}打开速度快了很多", "更新后流畅多了，{action}一点不卡", "加载很快，没有卡顿",
                    "速度比以前快，用着很流畅"),
            "neu": ("{page}偶尔有点卡顿", "加载速度一般，高峰期会慢一些", "{action}有时候反应慢"),
        },
        "en": {
            "neg": ("the {page} takes forever loading", "super laggy when I {action}",
                    "the app freezes every time I {action}", "so slow at peak hours, loading spinner for 10+ seconds",
                    "everything is slow since the last update", "the {page} is frozen half the time"),
            "pos": ("the {page} opens fast now", "smooth and fast, no lag at all",
                    "much faster than before when I {action}", "speed is great after the update"),
            "neu": ("a bit slow at peak times", "some lag on the {page} now and then",
                    "loading is ok but could be faster"),
        },
    },
    "crash": {
        "zh": {
            "neg": ("{action}的时候直接闪退", "更新到{ver}后一打开就闪退", "一天闪退好几次",
                    "{page}白屏，什么都显示不出来", "老是崩溃，{action}到一半就退出了", "提交时报错，重启也没用",
                    "App打不开，一直闪退", "{page}点不进去，一直报错"),
            "pos": ("之前的闪退问题修好了", "更新后再也没有崩溃过", "{ver}修复了白屏的bug，赞"),
            "neu": ("偶尔闪退一次，重启就好", "有个小故障，{page}图片显示不全"),
        },
        "en": {
            "neg": ("crashes every time I {action}", "keeps crashing after the {ver} update",
                    "blank screen on the {page}", "the app crashed three times today",
                    "error when I try to {action}, even after reinstalling", "won't open at all, crash on launch"),
            "pos": ("the crash bug is finally fixed", "no more crashes since {ver}",
                    "stable now, the bug on the {page} is gone"),
            "neu": ("occasional crash but restarting helps", "small bug: images on the {page} don't show"),
        },
    },
    "price": {
        "zh": {
            "neg": ("价格越来越贵了", "配送费又涨价了，还不如自己去买", "会员费太贵，权益又少",
                    "同样的东西比别家偏贵", "优惠券越来越少，满减门槛还高", "自动续费没有提醒，扣了{amount}元",
                    "性价比太低"),
            "pos": ("价格很划算", "会员挺值的，一个月省了{amount}多元", "优惠力度大，比别家便宜", "性价比很高"),
            "neu": ("价格还可以，就是配送费有点高", "优惠券能再多一点就好了", "会员价格能便宜点就更好了"),
        },
        "en": {
            "neg": ("prices keep going up", "the delivery fee is ridiculous now",
                    "membership fee is too expensive for what you get", "overpriced compared to other apps",
                    "fewer coupons every month", "auto renewal took {amount} yuan without a reminder"),
            "pos": ("great prices and lots of coupons", "membership is worth the money, saved {amount} yuan last month",
                    "cheap and good quality", "good discounts every week"),
            "neu": ("prices are ok but the delivery fee is a bit high", "would like more coupons",
                    "membership could be a little cheaper"),
        },
    },
    "customer_service": {
        "zh": {
            "neg": ("客服一直是机器人，转人工要等半天", "申请退款{n}天了还没处理", "投诉了没人回复",
                    "客服态度很差，推来推去", "售后问题打了{n}次电话都没解决", "在线客服排队{min}分钟"),
            "pos": ("客服回复很快，问题当天就解决了", "人工客服态度很好，耐心解答", "退款很快就到了，客服给力",
                    "售后处理很及时"),
            "neu": ("客服回复有点慢，不过最后解决了", "希望人工客服入口明显一点"),
        },
        "en": {
            "neg": ("customer service is just a bot, can't reach a human agent", "waiting {n} days for my refund",
                    "no reply to my complaint", "support keeps passing me around",
                    "waited {min} minutes in the support queue"),
            "pos": ("customer service solved my issue the same day", "the support agent was very patient",
                    "refund came quickly, great support"),
            "neu": ("support was slow to reply but fixed it in the end", "hard to reach a human agent, otherwise ok"),
        },
    },
    "feature": {
        "zh": {
            "neg": ("改版后把{feature}功能去掉了，很不方便", "连{feature}这种基础功能都没有", "新功能全是花架子，没用"),
            "pos": ("新上的{feature}功能很实用", "{feature}功能太方便了", "功能越来越完善了"),
            "neu": ("希望增加{feature}功能", "建议增加{feature}", "能不能加个{feature}功能", "功能够用，就是缺少{feature}"),
        },
        "en": {
            "neg": ("the redesign removed the {feature} feature", "still no {feature}, that's a basic feature",
                    "new features are gimmicks"),
            "pos": ("love the new {feature} feature", "the {feature} feature is really handy",
                    "features keep getting better"),
            "neu": ("please add {feature}", "would be nice to have {feature}", "wish there was an option for {feature}"),
        },
    },
    "ui": {
        "zh": {
            "neg": ("新界面太乱了，{page}找不到入口", "字体太小，老人根本看不清", "按钮挤在一起，老是点错",
                    "改版后排版很丑", "入口藏得太深，找不到{feature}"),
            "pos": ("界面简洁好看", "新版界面清爽，操作顺手", "夜间模式很舒服", "排版清楚，一眼就能看明白"),
            "neu": ("界面还行，就是字体有点小", "希望出个夜间模式", "{page}的按钮位置不太习惯"),
        },
        "en": {
            "neg": ("the new interface is a mess, can't find anything on the {page}", "font is way too small",
                    "buttons are too close together, keep tapping the wrong one", "the redesign looks cluttered",
                    "settings are hard to find"),
            "pos": ("clean and simple interface", "love the new design", "dark mode looks great",
                    "layout is clear and easy to use"),
            "neu": ("interface is ok but the font is small", "please add a dark mode",
                    "not used to the new button layout on the {page}"),
        },
    },
    "delivery": {
        "zh": {
            "neg": ("骑手超时{min}分钟，{spoiled}", "显示已送达但根本没收到", "配送太慢了，等了一个多小时",
                    "{item}送到的时候包装破了", "{item}不新鲜，冷链明显没做好", "骑手不打电话直接放门口",
                    "物流信息一直不更新"),
            "pos": ("配送很快，{fast}分钟就送到了", "骑手小哥态度很好", "{item}很新鲜，包装也仔细",
                    "准时送达，还提前打了电话"),
            "neu": ("配送时间还行，偶尔会超时", "{item}包装可以再好一点", "高峰期送达有点慢"),
        },
        "en": {
            "neg": ("rider was {min} minutes late and {spoiled}", "marked as delivered but never arrived",
                    "delivery took over an hour", "the {item} arrived with broken packaging",
                    "{item} not fresh at all", "courier left it at the door without calling"),
            "pos": ("delivery was fast, arrived in {fast} minutes", "friendly rider, arrived on time",
                    "{item} was fresh and well packed", "delivered early, great service"),
            "neu": ("delivery time is ok, sometimes late", "packaging could be better",
                    "deliveries take longer at dinner time"),
        },
    },
    "account": {
        "zh": {
            "neg": ("验证码一直收不到，登录不了", "换手机后账号登录不上", "莫名其妙被退出登录",
                    "密码重置流程太复杂", "实名认证一直失败", "账号被冻结了也不说原因"),
            "pos": ("一键登录很方便", "换手机后账号数据都在，登录很顺利", "绑定银行卡很快"),
            "neu": ("每次都要重新登录，有点烦", "希望支持指纹登录"),
        },
        "en": {
            "neg": ("never get the verification code so I can't log in", "locked out of my account after changing phones",
                    "keeps logging me out", "password reset is a nightmare", "identity verification keeps failing"),
            "pos": ("one-tap login is very convenient", "account moved to my new phone without issues",
                    "sign-in is quick now"),
            "neu": ("have to log in again every time", "fingerprint login would help"),
        },
    },
    "ads": {
        "zh": {
            "neg": ("开屏广告太多了，还关不掉", "{page}全是广告", "弹窗广告一个接一个", "推送太多，一天十几条",
                    "刷几下就是一条广告", "营销短信天天发"),
            "pos": ("广告比以前少多了", "没有开屏广告，干净", "可以关闭推送，这点很好"),
            "neu": ("广告有点多，能接受", "希望能关掉个性化广告"),
        },
        "en": {
            "neg": ("way too many ads", "pop-up ads everywhere on the {page}", "ads after every few videos",
                    "spam notifications all day", "splash screen ads you can't skip"),
            "pos": ("fewer ads than before", "no annoying pop-ups, nice", "I can turn off notifications, good"),
            "neu": ("a few ads but acceptable", "would like to turn off personalised ads"),
        },
    },
    "payment": {
        "zh": {
            "neg": ("付款失败但钱被扣了", "提现{n}天了还没到账", "重复扣款{amount}元", "支付的时候一直失败",
                    "余额显示不对", "转账到账太慢"),
            "pos": ("支付很顺畅，秒到账", "提现很快就到账了", "付款码用起来很方便", "转账手续费低"),
            "neu": ("支付方式能再多一些就好了", "提现手续费有点高"),
        },
        "en": {
            "neg": ("payment failed but I was still charged", "withdrawal pending for {n} days",
                    "charged twice, {amount} yuan", "balance shows the wrong amount", "transfer takes forever to show up"),
            "pos": ("payment goes through instantly", "withdrawal came through within minutes",
                    "the payment code is super convenient"),
            "neu": ("would like more payment options", "withdrawal fee is a bit high"),
        },
    },
    "content": {
        "zh": {
            "neg": ("推荐的内容越来越低俗", "首页全是重复的视频", "主播带货太多，没意思", "优质创作者都走了",
                    "刷到的都是标题党", "直播间画面老是糊"),
            "pos": ("内容很丰富，每天都能刷到喜欢的", "推荐的视频越来越懂我", "喜欢的创作者都在这里", "直播很精彩"),
            "neu": ("内容还行，就是同质化有点严重", "希望多一些知识类视频"),
        },
        "en": {
            "neg": ("the feed is full of clickbait content", "same videos over and over",
                    "too many streamers selling stuff", "good creators are leaving", "content quality dropped a lot"),
            "pos": ("great content, always something I like in the feed", "the recommendations really get me, love these videos",
                    "my favourite creators are all here", "live streams are fun"),
            "neu": ("content is ok but very repetitive", "would like more educational videos"),
        },
    },
    "general": {
        "zh": {
            "neg": ("越来越难用了", "体验一年不如一年", "用着很糟心"),
            "pos": ("整体很好用，已经推荐给朋友了", "一直在用，挺满意的", "好用，没什么毛病"),
            "neu": ("还行吧", "一般般", "中规中矩"),
        },
        "en": {
            "neg": ("getting worse with every update", "really disappointed", "used to be good"),
            "pos": ("great app, use it every day", "does what I need, happy with it", "very satisfied overall"),
            "neu": ("it's ok", "average", "nothing special"),
        },
    },
}  # fmt: skip

OPENERS = {
    "zh": {
        "neg": ("", "", "吐槽一下，", "说实话，", "用了两年了，", "最近", "第{n}次反馈了，", "真的无语，"),
        "pos": ("", "", "不得不说，", "用了一段时间，", "给个好评，", "总的来说，"),
        "neu": ("", "", "总体还行，", "提个建议：", "用着还可以，"),
    },
    "en": {
        "neg": ("", "", "honestly, ", "since the {ver} update, ", "third time reporting this: ", "ugh. ",
                "been a user for years but "),
        "pos": ("", "", "have to say, ", "really impressed, ", "five stars: "),
        "neu": ("", "", "overall fine. ", "a suggestion: ", "not bad. "),
    },
}  # fmt: skip

CLOSERS = {
    "zh": {
        "neg": ("", "", "，体验太差了", "，已经准备卸载了", "，再这样就换别家了", "，很影响心情", "！！", "，差评"),
        "pos": ("", "", "，继续保持", "，点赞👍", "，五星好评", "，会推荐给朋友", "！"),
        "neu": ("", "", "，希望改进", "，其他都还好", "，期待后续优化"),
    },
    "en": {
        "neg": ("", "", ". Very frustrating", ". Thinking of uninstalling", ". Not acceptable", "!!"),
        "pos": ("", "", ". Keep it up", "! Love it", ". Recommended", " :)"),
        "neu": ("", "", ". Otherwise fine", ". Hope it improves"),
    },
}  # fmt: skip

# Closers for problems that a release can fix, used on those themes only.
FIX_CLOSERS = {
    "zh": ("，希望尽快修复", "，赶紧修一下吧"),
    "en": (". Please fix this", ". 1 star until fixed"),
}
FIXABLE = {"performance", "crash", "account", "payment"}

JOINERS = {
    "zh": ("，不过", "，但是", "；另外"),
    "en": (", but ", ". Also, ", "; on the other hand "),
}

# Product-specific slot values: SLOTS[product][lang][slot].
SLOTS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "QingEats": {
        "zh": {"page": ("首页", "店铺页", "订单页", "结算页", "搜索结果页"),
               "action": ("下单", "结算", "查看订单", "搜索餐厅", "领红包"),
               "item": ("外卖", "奶茶", "饭菜", "炸鸡"),
               "spoiled": ("饭菜都凉了", "奶茶都洒了", "汤都洒了"),
               "feature": ("按口味筛选", "拼单", "预约配送", "一键再来一单", "菜品Q&A")},
        "en": {"page": ("home page", "store page", "order page", "checkout page", "search results"),
               "action": ("place an order", "check out", "track my order", "search for restaurants", "grab a coupon"),
               "item": ("food", "bubble tea", "noodles", "fried chicken"),
               "spoiled": ("the food was cold", "the tea had spilled", "the soup had spilled"),
               "feature": ("filter by cuisine", "group orders", "scheduled delivery", '"reorder"',
                           "Q&A for dishes")},
    },
    "QingMart": {
        "zh": {"page": ("首页", "商品详情页", "购物车", "订单页", "分类页"),
               "action": ("加购物车", "结算", "搜索商品", "切换地址"),
               "item": ("水果", "牛奶", "蔬菜", "鸡蛋", "冻品"),
               "spoiled": ("冻品都化了", "叶子菜都蔫了", "鸡蛋碎了两个"),
               "feature": ("到货提醒", "价格保护", "常买清单", "按保质期排序")},
        "en": {"page": ("home page", "product page", "cart", "order page", "category page"),
               "action": ("add items to the cart", "check out", "search for products", "change the address"),
               "item": ("fruit", "milk", "vegetables", "eggs", "frozen food"),
               "spoiled": ("the frozen food had thawed", "the greens were wilted", "two eggs were broken"),
               "feature": ("restock alerts", "price protection", '"buy again" list', "sort by best-before date")},
    },
    "QingPlus": {
        "zh": {"page": ("会员中心", "权益页", "续费页", "积分商城"),
               "action": ("领取权益", "续费", "查看积分", "兑换积分"),
               "item": ("外卖", "生鲜"),
               "spoiled": ("饭菜都凉了",),
               "feature": ("家庭共享", "续费提醒", "积分兑换", "会员专属客服")},
        "en": {"page": ("membership page", "benefits page", "renewal page", "points store"),
               "action": ("claim a benefit", "renew", "check my points", "redeem points"),
               "item": ("order", "groceries"),
               "spoiled": ("the food was cold",),
               "feature": ("family sharing", "renewal reminders", "points exchange", "member hotline")},
    },
    "QingPay": {
        "zh": {"page": ("钱包首页", "账单页", "转账页", "付款码页面"),
               "action": ("付款", "转账", "提现", "查账单"),
               "item": ("包裹",), "spoiled": ("包裹湿了",),
               "feature": ("账单导出", "消费分类", "指纹支付", "预算提醒")},
        "en": {"page": ("wallet home", "bills page", "transfer page", "payment code screen"),
               "action": ("make a payment", "send money", "withdraw cash", "check my bills"),
               "item": ("parcel",), "spoiled": ("the parcel was wet",),
               "feature": ("bill export", "spending categories", "fingerprint payment", "budget alerts")},
    },
    "QingLive": {
        "zh": {"page": ("首页推荐", "直播间", "个人主页", "创作中心"),
               "action": ("刷视频", "进直播间", "上传作品", "发弹幕"),
               "item": ("周边",), "spoiled": ("周边压坏了",),
               "feature": ("倍速播放", "稍后再看", "弹幕屏蔽", "草稿自动保存")},
        "en": {"page": ("home feed", "live room", "profile page", "creator studio"),
               "action": ("scroll through videos", "join a live room", "upload a video", "post a comment"),
               "item": ("merch",), "spoiled": ("the merch was crushed",),
               "feature": ("2x playback", "watch later", "comment filters", "draft autosave")},
    },
}  # fmt: skip


_FORMATTER = string.Formatter()
_SENTENCE_START = re.compile(r"(?:^|[.!?] )[a-z]")
_NUMBERS = {
    "n": (2, 11, 1),
    "min": (4, 19, 5),
    "fast": (3, 8, 5),
    "amount": (3, 40, 5),
}  # low, high (excl.), step


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.random() * len(options))]


def _fill(
    text: str, rng: np.random.Generator, slots: dict[str, tuple[str, ...]], version: str
) -> str:
    """Fill the template's {slots}, drawing only those the template uses."""
    if "{" not in text:
        return text
    values = {}
    for _, name, _, _ in _FORMATTER.parse(text):
        if name is None or name in values:
            continue
        if name in slots:
            values[name] = _pick(rng, slots[name])
        elif name == "ver":
            values[name] = version
        else:
            low, high, step = _NUMBERS[name]
            values[name] = str((low + int(rng.random() * (high - low))) * step)
    return text.format(**values)


def compose_comment(
    rng: np.random.Generator,
    product: str,
    lang: str,
    polarity: str,
    theme: str,
    second_theme: str | None,
    version: str,
) -> str:
    """One comment in `lang` with the tone `polarity` ('pos', 'neu', 'neg') about `theme`."""
    slots = SLOTS[product][lang]
    core = _fill(_pick(rng, PHRASES[theme][lang][polarity]), rng, slots, version)
    opener = _fill(_pick(rng, OPENERS[lang][polarity]), rng, slots, version)
    text = opener + core
    if second_theme is not None:
        # A minor point of another theme, in a milder tone than the main one.
        tone = "neu" if polarity != "neu" else ("neg" if rng.random() < 0.5 else "pos")
        minor = _fill(_pick(rng, PHRASES[second_theme][lang][tone]), rng, slots, version)
        text += _pick(rng, JOINERS[lang]) + minor
    fix = polarity == "neg" and theme in FIXABLE and rng.random() < 0.35
    text += _pick(rng, FIX_CLOSERS[lang] if fix else CLOSERS[lang][polarity])
    if lang == "en":
        text = _SENTENCE_START.sub(lambda m: m.group(0).upper(), text)
        if text[-1] not in ".!)":
            text += "." if rng.random() < 0.7 else ""
    elif text[-1] not in "。！👍" and rng.random() < 0.6:
        text += "。"
    return text
