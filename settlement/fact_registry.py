"""Every fact a policy condition, tier or unit may name, with its type and its Chinese label.

Types: ``money`` (元, integer fen inside), ``usd`` (US dollars, cents inside; from 元 by that
year's fx rate), ``ratio`` (growth, occupancy; exact fractions), ``growth2`` (two-year average
growth, compared exactly as (1+g1)(1+g2) against (1+t)^2, or arithmetically where a policy says),
``count`` (quantities, exact), ``int`` (years), ``bool``, ``level`` and ``park_kind`` (codes),
``date``.
Facts named ``application.*`` come from the application row; ``park.*`` from the park.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ingest.contract import ANNUAL_STATS


@dataclass(frozen=True)
class FactInfo:
    name: str
    type: str
    label: str
    growth_of: str | None = None  # a growth rate: of which statistic, year on year


_FACTS = [
    # statistics of the settlement year (annual_stats.csv)
    FactInfo("online_retail", "money", "网络零售额"),
    FactInfo("retail_sales", "money", "零售额"),
    FactInfo("wholesale_sales", "money", "批发额"),
    FactInfo("operating_revenue", "money", "营业收入"),
    FactInfo("online_sales", "money", "网络销售额"),
    FactInfo("crossborder_exports", "money", "跨境电商出口额"),
    FactInfo("independent_site_sales", "money", "独立站跨境交易额"),
    FactInfo("local_contribution", "money", "地方综合贡献"),
    FactInfo("limit_above", "bool", "限上（纳统）"),
    # derived per enterprise and year
    FactInfo("crossborder_exports_usd", "usd", "跨境电商出口额（美元）"),
    FactInfo("retail_growth", "ratio", "零售额同比增速", growth_of="retail_sales"),
    FactInfo("online_retail_growth", "ratio", "网络零售额同比增速", growth_of="online_retail"),
    FactInfo("retail_growth_2y", "growth2", "零售额近两年平均增速"),
    FactInfo("online_retail_growth_2y", "growth2", "网络零售额近两年平均增速"),
    FactInfo("retail_growth_above_region_average", "bool", "零售额增速高于全区平均增速"),
    FactInfo("years_since_registration", "int", "注册（落户）以来年数"),
    FactInfo("registered_this_year", "bool", "当年新注册"),
    FactInfo("first_limit_above_this_year", "bool", "当年首次纳入限上"),
    FactInfo("entered_park_on_or_after_policy_start", "bool", "政策实施后入驻园区"),
    # application row (applications.csv)
    FactInfo("application.base_amount", "money", "费用/投资额"),
    FactInfo("application.approved_amount", "money", "审定金额"),
    FactInfo("application.quantity", "count", "数量"),
    FactInfo("application.months", "int", "月数"),
    FactInfo("application.level", "level", "级别"),
    # park (parks.csv) and park aggregates over its member enterprises
    FactInfo("park.kind", "park_kind", "园区类型"),
    FactInfo("park.building_area_m2", "count", "园区面积（平方米）"),
    FactInfo("park.occupancy_rate", "ratio", "入驻面积率"),
    FactInfo("park.online_shops", "int", "聚集网店数"),
    FactInfo("park.established_on", "date", "园区建成日期"),
    FactInfo("park.online_retail", "money", "园区企业合计网络零售额"),
    FactInfo("park.limit_above_online_retail", "money", "园区限上企业合计网络零售额"),
    FactInfo("park.crossborder_exports", "money", "园区企业合计跨境电商出口额"),
]

FACTS: dict[str, FactInfo] = {f.name: f for f in _FACTS}
# The statistics in money are the money columns of annual_stats.csv (the landing contract names
# them once); the growth rates say what they are the growth of. Everything else reads these.
MONEY_STATISTICS: tuple[str, ...] = tuple(c.code for c in ANNUAL_STATS.columns if c.type == "money")
GROWTH: dict[str, str] = {f.name: f.growth_of for f in _FACTS if f.growth_of}
# last year's figure of every money fact: "<name>@prev"
for _f in list(_FACTS):
    if _f.type == "money":
        FACTS[f"{_f.name}@prev"] = FactInfo(f"{_f.name}@prev", "money", f"上年{_f.label}")


_unnamed = [name for name in MONEY_STATISTICS if name not in FACTS]
if _unnamed:  # a statistic added to the contract must be given its label and type here
    raise RuntimeError(f"annual_stats columns without a fact: {_unnamed}")


def fact(name: str) -> FactInfo:
    return FACTS[name]
