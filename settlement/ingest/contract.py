"""The landing contract (shared spec ``landing-contract.md``) as data: every file, its columns
with the English code and the Chinese label, the type each column is parsed to, and its keys.

Types: ``text``, ``uscc``, ``int``, ``money`` (元 in, integer fen out), ``ratio`` (decimal in,
integer nano-units out: 0.125 -> 125_000_000), ``number`` (decimal in, integer micro-units out),
``date``, ``bool`` and the enumerations ``status``, ``level``, ``park_kind``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RATIO_SCALE = 10**9  # ratios are stored as integer nano-units: exact for up to 9 decimals
NUMBER_SCALE = 10**6  # quantities (m², counts) are stored as integer micro-units
MAX_EXTRA_CELL = 1000  # longest text kept from a column outside the contract
ABSURD_YUAN = 10**15  # an amount of 10^15 元 or more is absurd (settlement-semantics, detail 6)


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    type: str
    required: bool = True  # the column must be in the header
    not_blank: bool = False  # every row must have a value
    max_length: int = 0  # longest text accepted (the ledger's column size); 0: types bound it themselves


@dataclass(frozen=True)
class LandingFile:
    name: str  # file stem: enterprises -> enterprises.csv / enterprises.xlsx
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)


ENTERPRISES = LandingFile(
    "enterprises",
    "企业名录",
    (
        Column("uscc", "统一社会信用代码", "uscc", not_blank=True),
        Column("name", "企业名称", "text", not_blank=True, max_length=200),
        Column("region_code", "行政区划代码", "region", not_blank=True),
        Column("township", "所属街道/乡镇", "text", max_length=100),
        Column("registered_on", "注册(落户)日期", "date"),
        Column("park_id", "所属园区编号", "text", required=False, max_length=50),
        Column("park_entry_on", "入驻园区日期", "date", required=False),
        Column("credit_blacklisted", "是否列入严重失信名单", "bool"),
        Column("bank_name", "开户银行", "text", max_length=200),
        Column("bank_account", "银行账号", "account", max_length=64),
        Column("account_name", "账户名称（户名）", "text", required=False, max_length=200),
        Column("bank_code", "联行号", "text", required=False, max_length=32),
    ),
    key=("uscc",),
    required=True,
)

ANNUAL_STATS = LandingFile(
    "annual_stats",
    "联网直报年度数据",
    (
        Column("uscc", "统一社会信用代码", "uscc", not_blank=True),
        Column("year", "年度", "int", not_blank=True),
        Column("online_retail", "网络零售额", "money"),
        Column("retail_sales", "零售额(社会消费品零售额)", "money"),
        Column("wholesale_sales", "批发额", "money"),
        Column("operating_revenue", "营业收入", "money"),
        Column("online_sales", "网络销售额", "money", required=False),
        Column("crossborder_exports", "跨境电商出口额", "money"),
        Column("independent_site_sales", "独立站跨境交易额", "money", required=False),
        Column("retail_growth", "零售额同比增速", "ratio", required=False),
        Column("online_retail_growth", "网络零售额同比增速", "ratio", required=False),
        Column("local_contribution", "地方综合贡献", "money", required=False),
        Column("limit_above", "是否限上(纳统)", "bool"),
    ),
    key=("uscc", "year"),
    required=True,
)

APPLICATIONS = LandingFile(
    "applications",
    "申报/认定事项",
    (
        Column("application_id", "申报编号", "text", not_blank=True, max_length=64),
        Column("uscc", "统一社会信用代码", "uscc", not_blank=True),
        Column("year", "年度", "int", not_blank=True),
        Column("policy_id", "政策编号", "text", not_blank=True, max_length=64),
        Column("clause_id", "条款编号", "text", not_blank=True, max_length=16),
        Column("base_amount", "费用/投资额", "money"),
        Column("approved_amount", "审定金额", "money"),
        Column("quantity", "数量", "number"),
        Column("months", "月数", "int", required=False),
        Column("level", "级别", "level"),
        Column("status", "审核状态", "status", not_blank=True),
    ),
    key=("application_id",),
)

PARKS = LandingFile(
    "parks",
    "园区",
    (
        Column("park_id", "园区编号", "text", not_blank=True, max_length=50),
        Column("name", "园区名称", "text", not_blank=True, max_length=200),
        Column("operator_uscc", "运营主体信用代码", "uscc", not_blank=True),
        Column("kind", "类型", "park_kind", not_blank=True),
        Column("building_area_m2", "建筑(使用)面积", "number"),
        Column("occupancy_rate", "入驻面积率", "ratio"),
        Column("online_shops", "聚集网店数", "int", required=False),
        Column("established_on", "建成日期", "date"),
    ),
    key=("park_id",),
)

FX_RATES = LandingFile(
    "fx_rates",
    "汇率",
    (
        Column("year", "年度", "int", not_blank=True),
        Column("usd_cny", "美元兑人民币汇率", "ratio", not_blank=True),
        Column("source", "来源", "text", max_length=200),
    ),
    key=("year",),
)

BUDGETS = LandingFile(
    "budgets",
    "预算",
    (
        Column("policy_id", "政策编号", "text", not_blank=True, max_length=64),
        Column("year", "年度", "int", not_blank=True),
        Column("budget", "预算金额", "money", not_blank=True),
    ),
    key=("policy_id", "year"),
)

PRIOR_AWARDS = LandingFile(
    "prior_awards",
    "往年已兑现",
    (
        Column("uscc", "统一社会信用代码", "uscc", not_blank=True),
        Column("year", "年度", "int", not_blank=True),
        Column("policy_id", "政策编号", "text", not_blank=True, max_length=64),
        Column("clause_id", "条款编号", "text", not_blank=True, max_length=16),
        Column("amount", "金额", "money", not_blank=True),
        Column("subject_uscc", "主体信用代码", "uscc", required=False),
    ),
    key=("uscc", "year", "policy_id", "clause_id", "subject_uscc"),
)

FILES: tuple[LandingFile, ...] = (
    ENTERPRISES,
    ANNUAL_STATS,
    APPLICATIONS,
    PARKS,
    FX_RATES,
    BUDGETS,
    PRIOR_AWARDS,
)

# Objection outcomes after publicity (settlement finalize --objections FILE); not a landing file.
OBJECTIONS = LandingFile(
    "objections",
    "公示异议处理结果",
    (
        Column("uscc", "统一社会信用代码", "uscc", not_blank=True),
        Column("policy_id", "政策编号", "text", not_blank=True, max_length=64),
        Column("clause_id", "条款编号", "text", not_blank=True, max_length=16),
        Column("decision", "处理结果", "decision", not_blank=True),
        Column("amount", "调整后金额", "money", required=False),
        Column("reason", "理由", "text", not_blank=True, max_length=500),
        Column("subject_uscc", "主体信用代码", "uscc", required=False),
    ),
    key=("uscc", "policy_id", "clause_id", "subject_uscc"),
)
FILES_BY_NAME = {f.name: f for f in FILES}

# Spellings accepted for enumerations (lower-cased, NFKC-normalised before lookup).
BOOL_TRUE = {"1", "true", "t", "yes", "y", "是"}
BOOL_FALSE = {"0", "false", "f", "no", "n", "否", ""}
STATUS = {
    "approved": "approved",
    "通过": "approved",
    "已通过": "approved",
    "审核通过": "approved",
    "批准": "approved",
    "rejected": "rejected",
    "未通过": "rejected",
    "不通过": "rejected",
    "驳回": "rejected",
    "pending": "pending",
    "待审核": "pending",
    "审核中": "pending",
}
LEVELS = {
    "national": "national",
    "国家级": "national",
    "国家": "national",
    "provincial": "provincial",
    "省级": "provincial",
    "省": "provincial",
    "municipal": "municipal",
    "市级": "municipal",
    "市": "municipal",
    "county": "county",
    "县级": "county",
    "县": "county",
    "international_lead": "international_lead",
    "国际主导": "international_lead",
    "international": "international",
    "国际": "international",
    "industry": "industry",
    "行业": "industry",
    "retail": "retail",
    "零售": "retail",
    "wholesale": "wholesale",
    "批发": "wholesale",
    "crossborder": "crossborder",
    "跨境": "crossborder",
}
LEVEL_LABELS = {
    "national": "国家级",
    "provincial": "省级",
    "municipal": "市级",
    "county": "县级",
    "international_lead": "国际主导",
    "international": "国际",
    "industry": "行业",
    "retail": "零售",
    "wholesale": "批发",
    "crossborder": "跨境",
}
PARK_KINDS = {
    "ecommerce": "ecommerce",
    "电商": "ecommerce",
    "电商园区": "ecommerce",
    "电子商务": "ecommerce",
    "crossborder": "crossborder",
    "跨境": "crossborder",
    "跨境电商": "crossborder",
    "跨境电商园区": "crossborder",
}
DECISIONS = {
    "uphold": "uphold",
    "维持": "uphold",
    "维持原结果": "uphold",
    "异议不成立": "uphold",
    "remove": "remove",
    "取消": "remove",
    "撤销": "remove",
    "取消奖励": "remove",
    "adjust": "adjust",
    "调整": "adjust",
    "调整金额": "adjust",
}
ENUMS = {"status": STATUS, "level": LEVELS, "park_kind": PARK_KINDS, "decision": DECISIONS}
