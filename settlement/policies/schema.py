"""The shape of a policy file (``settlement/policies/<policy_id>.yaml``), checked at load time.

A typo in a kind, a missing threshold, an unknown fact name or a duplicate clause id stops
loading with a message naming the file, the clause and the field. Amounts in the files are 元
written as in the policy text (``"5万"``, ``"0.5亿"``, ``20000``); they become integer fen here.
Ratios are written ``"85%"`` or ``"0.85"`` and become exact fractions. Nothing is evaluated
as code: conditions are structured data (``all`` / ``any`` / ``not`` over comparisons).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..engine.fact_registry import FACTS
from ..ingest.contract import LEVELS, PARK_KINDS
from ..money import AmountError, to_fraction, yuan_to_fen


def _money(value: Any) -> int:
    if isinstance(value, float):
        raise ValueError("金额不能写成浮点数，请写成字符串或整数（元），如 \"5万\" 或 50000")
    try:
        return yuan_to_fen(value if isinstance(value, int) else str(value))
    except AmountError as exc:
        raise ValueError(str(exc)) from exc


def _ratio(value: Any) -> Fraction:
    if isinstance(value, float):
        raise ValueError("比率不能写成浮点数，请写成字符串，如 \"85%\"")
    return to_fraction(value)


Fen = Annotated[int, BeforeValidator(_money)]
Ratio = Annotated[Fraction, BeforeValidator(_ratio)]

OPS = (">=", ">", "<=", "<", "==", "!=")
KINDS = (
    "tiered", "rate", "unit", "step", "fixed", "approved", "contribution_increment", "none", "external"
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Condition(Strict):
    """One of: ``all: [...]``, ``any: [...]``, ``not: {...}`` or a comparison
    ``{fact: NAME, op: ">=", value: "1亿"}`` (``words`` keeps the text's wording)."""

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")
    fact: str | None = None
    op: Literal[">=", ">", "<=", "<", "==", "!="] | None = None
    value: Any = None
    words: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [self.all is not None, self.any is not None, self.not_ is not None, self.fact is not None]
        if sum(forms) != 1:
            raise ValueError("条件必须是 all、any、not 或 fact 比较之一")
        if self.fact is not None:
            if self.fact not in FACTS:
                raise ValueError(f"未知的事实名 {self.fact!r}")
            if self.op is None or self.value is None:
                raise ValueError(f"比较 {self.fact} 缺少 op 或 value")
            check_value(self.fact, self.value)
        return self

    def facts(self) -> set[str]:
        if self.fact:
            return {self.fact}
        out: set[str] = set()
        for child in (self.all or []) + (self.any or []) + ([self.not_] if self.not_ else []):
            out |= child.facts()
        return out


def check_value(fact_name: str, value: Any) -> Any:
    """The value of a comparison, typed after its fact (and checked)."""
    kind = FACTS[fact_name].type
    if kind in ("money", "usd"):
        return _money(value)
    if kind in ("ratio", "growth2"):
        return _ratio(value)
    if kind == "count":
        if isinstance(value, float):
            raise ValueError("数量不能写成浮点数，请写成字符串或整数")
        from ..money import parse_decimal_text

        return Fraction(parse_decimal_text(str(value)))
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{fact_name} 的比较值应为整数")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{fact_name} 的比较值应为 true 或 false")
        return value
    if kind == "level":
        if value not in LEVELS.values():
            raise ValueError(f"未知的级别 {value!r}")
        return value
    if kind == "park_kind":
        if value not in PARK_KINDS.values():
            raise ValueError(f"未知的园区类型 {value!r}")
        return value
    if kind == "date":
        if not isinstance(value, date):
            raise ValueError(f"{fact_name} 的比较值应为日期 YYYY-MM-DD")
        return value
    raise ValueError(f"无法比较的事实 {fact_name}")


class Tier(Strict):
    """A tier: a threshold on the clause's metric (``at_least`` for 以上/达到/（含）, ``above``
    for 超过/突破) or a ``level``; it pays ``amount`` (or sets ``rate``/``cap``)."""

    at_least: Any = None
    above: Any = None
    level: str | None = None
    amount: Fen | None = None
    rate: Ratio | None = None
    cap: Fen | None = None
    words: str | None = None

    @model_validator(mode="after")
    def _one_threshold(self) -> Tier:
        given = [self.at_least is not None, self.above is not None, self.level is not None]
        if sum(given) != 1:
            raise ValueError("每一档必须且只能有 at_least、above 或 level 之一")
        if self.level is not None and self.level not in LEVELS.values():
            raise ValueError(f"未知的级别 {self.level!r}")
        if sum(x is not None for x in (self.amount, self.rate, self.cap)) != 1:
            raise ValueError("每一档必须且只能有 amount、rate 或 cap 之一")
        return self

    @property
    def op(self) -> str:
        return ">=" if self.at_least is not None else (">" if self.above is not None else "==")

    @property
    def threshold(self) -> Any:
        return self.at_least if self.at_least is not None else self.above


class Units(Strict):
    """What a ``unit`` clause counts: an application's ``quantity`` (optionally x ``months``),
    or full multiples of ``size`` of a fact (``full: true`` rounds down: 每满)."""

    source: Literal["application.quantity", "fact"] = "application.quantity"
    fact: str | None = None
    size: Any = None
    full: bool = True
    times_months: bool = False
    max_units: int | None = None

    @model_validator(mode="after")
    def _fact_needs_size(self) -> Units:
        if self.source == "fact":
            if self.fact not in FACTS:
                raise ValueError(f"未知的事实名 {self.fact!r}")
            if self.size is None:
                raise ValueError("按事实计数时必须给出 size（每满多少）")
            check_value(self.fact, self.size)
        return self


class StepLevel(Strict):
    """A ``step`` clause whose metric depends on the application's level (jinyun-2025 clause 3)."""

    metric: str
    first_above: Any
    step: Any

    @model_validator(mode="after")
    def _known(self) -> StepLevel:
        if self.metric not in FACTS:
            raise ValueError(f"未知的事实名 {self.metric!r}")
        check_value(self.metric, self.first_above)
        check_value(self.metric, self.step)
        return self


class TestCase(Strict):
    """An OpenFisca-style case: the facts of one payee, the expected amount (元) of this clause."""

    name: str
    year: int
    enterprise: dict[str, Any] = Field(default_factory=dict)
    stats: dict[int, dict[str, Any]] = Field(default_factory=dict)
    applications: list[dict[str, Any]] = Field(default_factory=list)
    park: dict[str, Any] | None = None
    members: list[dict[str, Any]] = Field(default_factory=list)  # park members: {stats: {year: {...}}, park_entry_on, ...}
    others: list[dict[str, Any]] = Field(default_factory=list)  # other enterprises of the region (averages)
    paid_before: list[dict[str, Any]] = Field(default_factory=list)
    fx_rates: dict[int, str] = Field(default_factory=dict)
    expect: Fen
    expect_status: str | None = None


class Clause(Strict):
    id: str
    text: str
    kind: Literal[
        "tiered", "rate", "unit", "step", "fixed", "approved", "contribution_increment", "none", "external"
    ]
    matter: str | None = None
    application: bool = False  # needs an approved application row (appl.)
    # enterprise: the enterprise itself; park: the park's operator for the park's own figures
    # (subject = operator, the park named in the key); park_member: the operator of the park
    # an enterprise belongs to, for that enterprise (subject = the member)
    payee: Literal["enterprise", "park", "park_member"] = "enterprise"
    park_kind: str | None = None
    conditions: Condition | None = None
    # fixed / approved
    amount: Fen | None = None
    # rate
    rate: Ratio | None = None
    base: str = "application.base_amount"
    # unit
    unit_amount: Fen | None = None
    unit_amount_by_level: dict[str, Fen] | None = None
    units: Units | None = None
    # tiered
    mode: Literal["highest", "first_crossing", "differential"] | None = None
    metric: str | None = None
    tiers: list[Tier] | None = None
    # step
    step: Any = None
    step_amount: Fen | None = None
    first_award: Fen | None = None
    step_by_level: dict[str, StepLevel] | None = None
    # contribution_increment
    qualify: Condition | None = None
    baseline_years: int | None = None
    award_years: int | None = None
    # caps
    item_cap: Fen | None = None
    item_cap_by_level: dict[str, Fen] | None = None
    item_cap_per_unit: Fen | None = None  # e.g. 20万 per event: the application's quantity x this
    cap: Fen | None = None  # per payee per year
    cumulative_cap: Fen | None = None
    cap_group: str | None = None
    once: bool = False
    requires_limit_above: bool = False
    # funding override for this clause (share paid by the city; the rest by the district)
    city_share: Ratio | None = None
    notes: list[str] = Field(default_factory=list)
    tests: list[TestCase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kind_fields(self) -> Clause:
        k = self.kind
        if k in ("none", "external"):
            return self
        if not self.matter:
            raise ValueError("有金额的条款必须写明 matter（事项）")
        need: dict[str, tuple[str, ...]] = {
            "fixed": ("amount",),
            "rate": ("rate",),
            "tiered": ("mode", "metric", "tiers"),
            "step": ("step_amount",),
            "contribution_increment": ("qualify", "baseline_years", "award_years", "metric", "tiers"),
            "approved": (),
            "unit": (),
        }[k]
        for name in need:
            if getattr(self, name) is None:
                raise ValueError(f"kind {k} 缺少字段 {name}")
        if k == "unit" and self.unit_amount is None and self.unit_amount_by_level is None and not self.tiers:
            raise ValueError("kind unit 需要 unit_amount、unit_amount_by_level 或按档位的 tiers")
        if self.tiers and self.metric is None:
            raise ValueError("有 tiers 时必须写明 metric")
        if k == "step" and self.step_by_level is None and (self.metric is None or self.step is None):
            raise ValueError("kind step 需要 metric 和 step，或 step_by_level")
        if self.payee == "park" and not self.park_kind:
            raise ValueError("园区奖励（payee: park）必须写明 park_kind")
        if k == "approved" and not self.application:
            raise ValueError("kind approved 必须基于申报（application: true）")
        if self.metric is not None and self.metric not in FACTS:
            raise ValueError(f"未知的事实名 metric={self.metric!r}")
        if self.tiers:
            for tier in self.tiers:
                if tier.threshold is not None and self.metric is not None:
                    check_value(self.metric, tier.threshold)
        for mapping in (self.unit_amount_by_level, self.item_cap_by_level):
            for level in mapping or {}:
                if level not in LEVELS.values():
                    raise ValueError(f"未知的级别 {level!r}")
        return self

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not v or any(ch.isspace() for ch in v):
            raise ValueError("条款编号不能为空或含空格")
        return v


class Article(Strict):
    number: str
    heading: str | None = None
    text: str
    clauses: list[Clause]


class Effective(Strict):
    start: date
    end: date | None = None


class Budget(Strict):
    scale_down: bool = False
    default: Fen | None = None
    text: str | None = None
    notes: list[str] = Field(default_factory=list)


class Funding(Strict):
    payer: str  # who pays, in words (市级财政 / 区级财政 / ...)
    city_body: str  # the funding source of the city's share, named on the disbursement list (杭州市财政)
    # that government's administrative code: 330100 杭州市 is a city with districts (市级);
    # 330282 慈溪市 is a county-level city (县级市). It orders and names the source on the lists.
    city_body_code: str
    city_share: Ratio  # default share of the city; the rest is the district's (the payee's region's own treasury)
    by_region: dict[str, Ratio] = Field(default_factory=dict)  # region code -> city share
    text: str | None = None
    notes: list[str] = Field(default_factory=list)

    @field_validator("city_body_code")
    @classmethod
    def _admin_code(cls, v: str) -> str:
        if not (len(v) == 6 and v.isdigit()):
            raise ValueError("city_body_code 应为6位行政区划代码（如 330100 杭州市、330282 慈溪市）")
        return v


class Dedup(Strict):
    rule: Literal["highest"] = "highest"
    text: str
    notes: list[str] = Field(default_factory=list)


class CapGroup(Strict):
    id: str
    clauses: list[str]
    cap: Fen
    text: str | None = None


class Policy(Strict):
    id: str
    short_name: str
    title: str
    document_number: str  # 文号; empty for a draft that has none yet
    draft: bool = False  # a draft (征求意见稿) not yet issued: named as such on every list
    issuer: str
    issued_on: date | None = None
    source: str
    regions: list[str]
    region_names: dict[str, str] = Field(default_factory=dict)
    effective: Effective
    budget: Budget = Budget()
    funding: Funding
    dedup: Dedup
    two_year_average: Literal["geometric", "arithmetic"] = "geometric"
    excludes_blacklisted: bool = True
    cap_groups: list[CapGroup] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    articles: list[Article]

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        seen: set[str] = set()
        for clause in self.clauses:
            if clause.id in seen:
                raise ValueError(f"条款编号重复：{clause.id}")
            seen.add(clause.id)
        for group in self.cap_groups:
            for cid in group.clauses:
                if cid not in seen:
                    raise ValueError(f"cap_groups {group.id} 引用了不存在的条款 {cid}")
        for clause in self.clauses:
            if clause.cap_group and clause.cap_group not in {g.id for g in self.cap_groups}:
                raise ValueError(f"条款 {clause.id} 的 cap_group {clause.cap_group} 未定义")
        return self

    @property
    def number_words(self) -> str:
        """The document number as lists cite it: 杭高新〔2024〕14号, or what a draft is."""
        if self.draft:
            return f"{self.document_number}，征求意见稿" if self.document_number else "征求意见稿"
        return self.document_number

    @property
    def citation(self) -> str:
        """Short name and number: 滨江新电商若干意见（杭高新〔2024〕14号）."""
        return f"{self.short_name}（{self.number_words}）"

    @property
    def full_citation(self) -> str:
        """《full title》（number）, as the basis of a list (政策依据); a draft names its issuer and
        that it is not yet issued."""
        if self.draft:
            return f"{self.issuer}《{self.title}》（尚未正式印发，按征求意见稿执行）"
        return f"《{self.title}》（{self.document_number}）"

    @property
    def clauses(self) -> list[Clause]:
        return [c for a in self.articles for c in a.clauses]

    def clause(self, clause_id: str) -> Clause:
        for c in self.clauses:
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)

    def in_force(self, year: int) -> bool:
        start_ok = self.effective.start <= date(year, 12, 31)
        end_ok = self.effective.end is None or self.effective.end >= date(year, 1, 1)
        return start_ok and end_ok
