"""Chinese complaints of the same shape as the public English data (id,text,category), made from phrase pools.

Each category has its own issue phrases; openers, products, feelings and demands are shared, and a third of the
complaints also mention a second category's issue, so categories overlap as real complaints do. Phrases are
split into two halves: `part="train"` uses one, `part="test"` both, so half of what a model is measured on
are wordings it never saw. `python -m tests.data.chinese_complaints OUT.csv [N] [train|test]` writes a file.
"""

import csv
import random
import sys
from pathlib import Path

ISSUES = {
    "产品质量": [
        "收到的{p}屏幕有明显划痕，开机后还频繁死机",
        "{p}用了不到一周就无法开机了",
        "{p}做工粗糙，接缝处开裂",
        "新买的{p}有一股刺鼻的异味，散了几天也没散掉",
        "{p}的实际性能和宣传的完全不符",
        "{p}电池鼓包，充电时发烫",
        "{p}按键失灵，经常没有反应",
        "收到的{p}明显是翻新机，外壳有使用痕迹",
        "{p}质量太差，第一次使用就坏了",
        "{p}的材质和详情页描述的不一样，是劣质材料",
    ],
    "服务态度": [
        "客服态度非常恶劣，说话很不耐烦",
        "打了五次客服电话都没人接，好不容易接通又被挂断",
        "门店店员对我冷嘲热讽，还让我爱买不买",
        "在线客服一直用机器人回复，根本解决不了问题",
        "客服互相推诿，说这不归他们管",
        "工作人员承诺回电但一直没有回电",
        "客服答非所问，敷衍了事",
        "营业厅工作人员态度傲慢，对我的问题置之不理",
        "投诉专员说话带刺，还威胁我不要再打电话",
        "客服每次都说会反馈，但一个月过去了没有任何进展",
    ],
    "物流配送": [
        "快递显示已签收但我根本没收到包裹",
        "包裹在中转站停了一个多星期都没有更新物流信息",
        "快递员没打电话就把{p}放在了门口，结果丢了",
        "配送员送货时把箱子摔坏了，{p}外包装严重变形",
        "承诺次日达结果五天才送到",
        "快递员要求我自己去站点取件，不肯送货上门",
        "物流信息一直显示派送中却迟迟不送",
        "配送地址明明写对了却被送到了别的小区",
        "快递被人冒领了，快递公司不承认",
        "生鲜商品配送超时，送到时已经变质",
    ],
    "账单价格": [
        "这个月账单莫名其妙多扣了两百元",
        "{p}下单后商家擅自涨价，要求我补差价",
        "我没有开通的增值业务每月都在扣费",
        "同一笔订单被重复扣款两次",
        "结账时的价格和页面标价不一致",
        "优惠券明明可以用，结算时却被拒绝",
        "自动续费没有任何提醒就扣了年费",
        "话费套餐被悄悄更改，资费比原来贵了很多",
        "退款金额少了运费和手续费",
        "先涨价再打折，所谓的优惠价比平时还贵",
    ],
    "售后维修": [
        "{p}送修一个多月了还没修好",
        "保修期内维修还要收取高额的检测费",
        "维修后{p}的同样问题又出现了",
        "售后上门安装拖了两个星期都没人来",
        "维修点把我的{p}配件换成了旧的",
        "申请换货被售后以各种理由拒绝",
        "售后说配件缺货，让我无限期等待",
        "维修师傅上门后乱收费，价格没有任何依据",
        "{p}返厂维修后寄回来又摔坏了",
        "七天无理由退货却被售后拒绝，说已经拆封",
    ],
    "合同政策": [
        "办理业务时销售人员隐瞒了合同中的违约金条款",
        "合同里写的服务内容和实际提供的不一样",
        "要解约时被告知需要缴纳高额违约金",
        "霸王条款规定最终解释权归商家所有",
        "会员卡到期后商家拒绝退还剩余费用",
        "预付卡充值后门店突然关门跑路",
        "商家单方面修改了合同条款却没有通知我",
        "签约时承诺的赠品至今没有兑现",
        "合同期内商家擅自降低服务标准",
        "办理分期时没有说明还有额外的手续费",
    ],
    "隐私数据": [
        "我的个人信息被泄露，每天接到大量推销电话",
        "注册后频繁收到骚扰短信，明显是信息被卖了",
        "应用强制索取通讯录权限，不同意就无法使用",
        "我已经注销账户，但个人数据仍然没有删除",
        "快递单上完整显示了我的姓名电话和住址",
        "客服在电话里随意透露了我的订单和住址信息",
        "没有经过我的同意就把我的信息共享给第三方",
        "账户被人盗用，对方掌握了我的身份证号码",
        "人脸识别数据被收集却没有说明用途",
        "刚买完{p}就接到诈骗电话，对方知道我的订单详情",
    ],
    "安全": [
        "{p}在充电时突然起火，差点引发火灾",
        "{p}漏电，孩子碰到后被电了一下",
        "{p}使用时突然爆炸，碎片划伤了我的手",
        "食品里吃出了玻璃碎片",
        "儿童玩具的小零件容易脱落，有被吞咽的危险",
        "{p}的燃气接口漏气，闻到很浓的燃气味",
        "电梯突然下坠，把人困在里面半个小时",
        "{p}刹车失灵，差点发生事故",
        "孩子用了{p}后皮肤过敏红肿",
        "热水器出水温度失控，把家人烫伤了",
    ],
}
PRODUCTS = [
    "手机",
    "笔记本电脑",
    "空调",
    "洗衣机",
    "冰箱",
    "电动车",
    "电饭煲",
    "热水器",
    "耳机",
    "电视",
    "平板电脑",
    "扫地机器人",
    "充电宝",
    "微波炉",
    "汽车",
    "婴儿推车",
]
OPENERS = [
    "我于{m}月{d}日在贵公司网店购买了{p}，",
    "{m}月{d}日我在门店买了一台{p}，",
    "本人是贵公司的老用户，",
    "我在某电商平台下单了{p}，",
    "上个月我通过官方小程序购买了{p}，",
    "我家里去年买的{p}，",
    "",
    "{m}月{d}日通过电话办理了业务，",
    "我代父母投诉，",
]
FEELINGS = [
    "非常失望。",
    "实在太气人了！",
    "严重影响了正常生活。",
    "我已经多次沟通无果。",
    "这种做法让人无法接受。",
    "",
    "希望有关部门重视。",
    "浪费了我大量时间。",
]
DEMANDS = [
    "要求全额退款。",
    "希望尽快给出处理结果。",
    "要求赔偿损失。",
    "请给我一个合理的解释。",
    "要求换货。",
    "希望尽快解决！",
    "请相关部门介入处理。",
    "",
]
SECOND = 0.35


def _pool(phrases: list[str], part: str) -> list[str]:
    return phrases[0::2] if part == "train" else phrases


def complaint(rng: random.Random, category: str, *, part: str) -> str:
    product = rng.choice(PRODUCTS)
    fill = {"p": product, "m": rng.randint(1, 12), "d": rng.randint(1, 28)}
    parts = [rng.choice(OPENERS), rng.choice(_pool(ISSUES[category], part)), "，", rng.choice(FEELINGS)]
    if rng.random() < SECOND:
        other = rng.choice([c for c in ISSUES if c != category])
        parts += ["另外，", rng.choice(_pool(ISSUES[other], part)), "。"]
    if rng.random() < 0.5:
        parts += [rng.choice(_pool(ISSUES[category], part)), "。"]
    parts.append(rng.choice(DEMANDS))
    return "".join(parts).format(**fill).replace("，，", "，")


def rows(n: int, *, part: str = "train", seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(f"{seed}-{part}")
    categories = list(ISSUES)
    return [
        {
            "id": str(i + 1),
            "text": complaint(rng, categories[i % len(categories)], part=part),
            "category": categories[i % len(categories)],
        }
        for i in range(n)
    ]


def write_csv(path: Path, n: int, *, part: str = "train", seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "category"])
        writer.writeheader()
        writer.writerows(rows(n, part=part, seed=seed))
    return path


if __name__ == "__main__":
    out, count, chosen = (
        Path(sys.argv[1]),
        int(sys.argv[2]) if len(sys.argv) > 2 else 1600,
        sys.argv[3] if len(sys.argv) > 3 else "train",
    )
    print(write_csv(out, count, part=chosen))
