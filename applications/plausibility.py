"""Plausibility rules of the 推荐审核表: figures that cannot all be true together, and 元 typed as 万元.

Each rule is a small pure function of the cleaned values (a dict) returning (field, message) problems, so the
form shows each message next to its field and the rules are tested at, below and above their bounds.
"""

import datetime as dt
from decimal import Decimal

from applications.models import MONEY_MAX, REVENUE_CONFIRM_ABOVE
from portal.dates import chinese_date

# Every money field beside its year: (revenue, tax, R&D spend, profit) of 上年度, 前年, 大前年.
YEARS = [
    ("上年度", "revenue", "tax_total", "rd_spend", "net_profit"),
    ("前年", "revenue_y2", "tax_total_y2", "rd_spend_y2", "net_profit_y2"),
    ("大前年", "revenue_y3", "tax_total_y3", "rd_spend_y3", "net_profit_y3"),
]
PART_LABELS = {"tax": "纳税总额", "rd": "科技投入", "profit": "净利润"}
LARGE_AMOUNT = Decimal(REVENUE_CONFIRM_ABOVE)


def typed_amount(value) -> str:
    """An amount in a message next to the field, as the user typed it: 26800 → 「26,800 万元」, decimals only where
    there are some (unlike the reasons' reason_amount, which always prints two)."""
    value = Decimal(value)
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral() else f"{value:,.0f}"
    return f"{text} 万元"


def yi(value) -> str:
    """万元 in 亿元 for the magnitude warning: 32,000,000 万元 = 3,200 亿元."""
    return f"{Decimal(value) / 10000:,.0f} 亿元"


def large_amounts(data: dict, labels: dict[str, str], *, confirmed: bool) -> list[tuple[str, str]]:
    """Amounts above 10,000,000 万元 (1,000 亿元) need the user's confirmation: usually 元 typed as 万元."""
    if confirmed:
        return []
    problems = []
    for name, label in labels.items():
        value = data.get(name)
        # Beyond MONEY_MAX no confirmation helps: the field's own validator refuses it.
        if value is not None and LARGE_AMOUNT < value <= MONEY_MAX:
            problems.append((
                name,
                f"{label}为 {typed_amount(value)}（即 {yi(value)}），超过 {typed_amount(LARGE_AMOUNT)}。单位是万元：是否把「元」填成了"
                f"「万元」？如 3.2 亿元应填 32000。如确认无误，请勾选下方「以上金额核对无误」后再保存。",
            ))
    return problems


def parts_within_revenue(data: dict) -> list[tuple[str, str]]:
    """A year's tax, R&D spend and profit cannot exceed that year's revenue."""
    problems = []
    for year, revenue_name, *part_names in YEARS:
        revenue = data.get(revenue_name)
        if revenue is None:
            continue
        for name, part in zip(part_names, ("tax", "rd", "profit"), strict=True):
            value = data.get(name)
            if value is not None and value > revenue:
                problems.append((
                    name,
                    f"{year}{PART_LABELS[part]}（{typed_amount(value)}）不能大于{year}营业收入（{typed_amount(revenue)}），请核对"
                    f"（单位均为万元）。",
                ))
    return problems


def equity_within_assets(data: dict) -> list[tuple[str, str]]:
    equity, assets = data.get("owners_equity"), data.get("total_assets")
    if equity is not None and assets is not None and equity > assets:
        return [("owners_equity", f"所有者权益（{typed_amount(equity)}）不能大于资产总额（{typed_amount(assets)}），请核对（单位均为万元）。")]
    return []


def staff_within_employees(data: dict) -> list[tuple[str, str]]:
    staff, employees = data.get("rd_staff"), data.get("employees")
    if staff is not None and employees is not None and staff > employees:
        return [("rd_staff", f"研发人员（{staff} 人）不能多于从业人员（{employees} 人），请核对。")]
    return []


def established_not_in_future(data: dict, today: dt.date) -> list[tuple[str, str]]:
    established = data.get("established_on")
    if established is None:
        return []
    if established > today:
        return [("established_on", f"成立日期（{chinese_date(established)}）晚于今天，请核对。")]
    if established < dt.date(1949, 10, 1):
        return [("established_on", "成立日期早于1949年10月1日，请核对。")]
    return []


def honour_year_not_in_future(year: int | None, today: dt.date) -> str | None:
    if year is not None and year > today.year:
        return f"获得年份 {year} 年晚于今年（{today.year} 年），请核对。"
    return None


def form_problems(data: dict, labels: dict[str, str], *, today: dt.date, confirmed: bool) -> list[tuple[str, str]]:
    """Every problem of the 推荐审核表's own fields (the honour rows are checked row by row)."""
    return [
        *established_not_in_future(data, today),
        *large_amounts(data, labels, confirmed=confirmed),
        *parts_within_revenue(data),
        *equity_within_assets(data),
        *staff_within_employees(data),
    ]
