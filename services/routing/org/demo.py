"""The demo organisation: teams for English and Chinese complaints, billing, safety emergencies, triage and
high-value customers, with agents whose shifts cover every hour of the week, so a new installation assigns
complaints at once. Time zones without daylight saving keep the shifts gap-free all year."""

from datetime import datetime
from typing import Any

ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Two twelve-hour shifts per team: 08:00-20:00 and 20:00-08:00 Shanghai time (00-12 and 12-24 UTC).
DAY_SHIFT = {day: [["08:00", "20:00"]] for day in ALL_DAYS}
NIGHT_SHIFT = {day: [["20:00", "08:00"]] for day in ALL_DAYS}
ALWAYS = {day: [["00:00", "24:00"]] for day in ALL_DAYS}

TEAMS = (
    ("demo-care-en", "Customer care (English)", "standard", [], ["en"], "skills", 120),
    ("demo-care-zh", "客户服务（中文）", "standard", [], ["zh"], "skills", 120),
    ("demo-billing", "Billing desk / 账务组", "standard", ["billing"], ["en", "zh"], "least_loaded", 120),
    ("demo-emergency", "Emergency response / 应急响应", "emergency", [], [], "least_loaded", 0),
    ("demo-triage", "Triage desk / 分诊台", "triage", [], [], "round_robin", 0),
    ("demo-vip", "Account managers / 客户经理", "priority", [], [], "least_loaded", 60),
)

GENERAL = ["product_quality", "service_attitude", "delivery", "after_sales", "contract_policy", "privacy", "other"]

# id, name, team, role, categories, languages, capacity, shift
AGENTS = (
    ("demo-alice", "Alice Walker", "demo-care-en", "agent", GENERAL, ["en"], 20, DAY_SHIFT),
    ("demo-ben", "Ben Carter", "demo-care-en", "agent", GENERAL, ["en"], 20, NIGHT_SHIFT),
    ("demo-chloe", "Chloe Evans", "demo-care-en", "agent", [], ["en", "zh"], 20, ALWAYS),
    ("demo-li-na", "李娜", "demo-care-zh", "agent", GENERAL, ["zh"], 20, DAY_SHIFT),
    ("demo-wang-wei", "王伟", "demo-care-zh", "agent", GENERAL, ["zh"], 20, NIGHT_SHIFT),
    ("demo-zhang-min", "张敏", "demo-care-zh", "agent", [], ["zh", "en"], 20, ALWAYS),
    ("demo-dana", "Dana Fischer", "demo-billing", "agent", ["billing"], ["en", "zh"], 20, DAY_SHIFT),
    ("demo-liu-yang", "刘洋", "demo-billing", "agent", ["billing"], ["zh", "en"], 20, NIGHT_SHIFT),
    ("demo-erik", "Erik Sato", "demo-emergency", "agent", ["safety"], ["en", "zh"], 10, DAY_SHIFT),
    ("demo-chen-jie", "陈杰", "demo-emergency", "agent", ["safety"], ["zh", "en"], 10, NIGHT_SHIFT),
    ("demo-fay", "Fay Morgan", "demo-triage", "agent", [], ["en", "zh"], 30, DAY_SHIFT),
    ("demo-zhao-lei", "赵磊", "demo-triage", "agent", [], ["zh", "en"], 30, NIGHT_SHIFT),
    ("demo-grace", "Grace Kim", "demo-vip", "agent", [], ["en", "zh"], 15, DAY_SHIFT),
    ("demo-sun-li", "孙丽", "demo-vip", "agent", [], ["zh", "en"], 15, NIGHT_SHIFT),
    ("demo-hana", "Hana Novak", "demo-care-en", "team_lead", [], ["en"], 10, ALWAYS),
    ("demo-zhou-qiang", "周强", "demo-care-zh", "team_lead", [], ["zh"], 10, ALWAYS),
    ("demo-ivan", "Ivan Petrov", "demo-billing", "team_lead", [], ["en", "zh"], 10, ALWAYS),
    ("demo-jun", "Jun Tan", "demo-emergency", "team_lead", [], ["en", "zh"], 10, ALWAYS),
    ("demo-kate", "Kate Olsen", "demo-triage", "team_lead", [], ["en", "zh"], 10, ALWAYS),
    ("demo-lin-hui", "林慧", "demo-vip", "team_lead", [], ["zh", "en"], 10, ALWAYS),
    ("demo-maria", "Maria Rossi", "demo-care-en", "manager", [], ["en", "zh"], 20, ALWAYS),
    ("demo-huang-hai", "黄海", "demo-care-zh", "director", [], ["zh", "en"], 20, ALWAYS),
)


def teams(at: datetime) -> list[dict[str, Any]]:
    return [{"id": i, "name": n, "kind": k, "categories": c, "languages": lang, "strategy": s, "relax_after_s": r,
             "created_at": at, "updated_at": at} for i, n, k, c, lang, s, r in TEAMS]


def agents(at: datetime) -> list[dict[str, Any]]:
    return [{"id": i, "name": n, "team_id": t, "role": role, "categories": c, "languages": lang, "channels": [],
             "capacity": cap, "open_cases": 0, "presence": "online",
             "timezone": "UTC" if shift is ALWAYS else "Asia/Shanghai", "schedule": shift,
             "last_assigned_at": None, "created_at": at, "updated_at": at}
            for i, n, t, role, c, lang, cap, shift in AGENTS]
