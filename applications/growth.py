"""The last three years' figures and their growth: the officials' screens and the 推荐审核表 print them.
The conditions are computed on 上年度 only (the notice's rule); these rows only show the trend."""

from dataclasses import dataclass
from decimal import Decimal

# (label, 上年度 field, 前年 field, 大前年 field)
SERIES = [
    ("营业收入", "revenue", "revenue_y2", "revenue_y3"),
    ("纳税总额", "tax_total", "tax_total_y2", "tax_total_y3"),
    ("净利润", "net_profit", "net_profit_y2", "net_profit_y3"),
    ("科技投入", "rd_spend", "rd_spend_y2", "rd_spend_y3"),
]


def growth(current, previous) -> Decimal | None:
    """Growth over the year before in percent (two decimals); None when it cannot be computed."""
    if current is None or previous is None or previous == 0:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / abs(Decimal(previous))).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class GrowthRow:
    label: str
    values: tuple  # oldest first: 大前年, 前年, 上年度 (万元, None when not filled in)
    growth_last: Decimal | None  # 上年度 over 前年
    growth_before: Decimal | None  # 前年 over 大前年
    years: tuple = ()

    @property
    def cells(self):
        return list(zip(self.years, self.values, strict=True))


def years_of(application) -> list[int]:
    """The three years, oldest first (2021, 2022, 2023 for the 2024 campaign)."""
    year = application.campaign.year
    return [year - 3, year - 2, year - 1]


def growth_rows(application) -> list[GrowthRow]:
    years = tuple(years_of(application))
    rows = []
    for label, last, before, oldest in SERIES:
        values = (getattr(application, oldest), getattr(application, before), getattr(application, last))
        rows.append(GrowthRow(label, values, growth(values[2], values[1]), growth(values[1], values[0]), years))
    return rows
