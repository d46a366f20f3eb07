"""A clause of a policy file: a shared base (id, original text, matter and its label, who is
paid, conditions, caps, once, notes, test cases) and one class per ``kind`` holding only that
kind's fields. ``Clause`` is their union, chosen by ``kind``; a field of another kind is an error
naming the clause and the field.

Each kind is computed by ``settlement/engine/kinds/<kind>.py``; the README's "Adding a rule
kind" says what else a new kind needs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, get_args

from pydantic import Field, field_validator, model_validator

from ..fact_registry import FACTS
from ..ingest.contract import LEVELS
from .values import Condition, Fen, Ratio, StepLevel, Strict, Tier, Units, check_value


class TestCase(Strict):
    """An OpenFisca-style case: the facts of one payee, the expected amount (元) of this clause."""

    name: str
    year: int
    enterprise: dict[str, Any] = Field(default_factory=dict)
    stats: dict[int, dict[str, Any]] = Field(default_factory=dict)
    applications: list[dict[str, Any]] = Field(default_factory=list)
    park: dict[str, Any] | None = None
    # park members: {stats: {year: {...}}, park_entry_on, ...}
    members: list[dict[str, Any]] = Field(default_factory=list)
    # other enterprises of the region (averages)
    others: list[dict[str, Any]] = Field(default_factory=list)
    paid_before: list[dict[str, Any]] = Field(default_factory=list)
    fx_rates: dict[int, str] = Field(default_factory=dict)
    expect: Fen
    expect_status: str | None = None


class ClauseBase(Strict):
    id: str
    text: str
    matter: str | None = None  # the matter (事项) no double benefit compares, as a code
    matter_label: str | None = None  # its Chinese name on every list
    application: bool = False  # needs an approved application row (appl.)
    # enterprise: the enterprise itself; park: the park's operator for the park's own figures
    # (subject = operator, the park named in the key); park_member: the operator of the park
    # an enterprise belongs to, for that enterprise (subject = the member)
    payee: Literal["enterprise", "park", "park_member"] = "enterprise"
    park_kind: str | None = None
    conditions: Condition | None = None
    # caps of one application
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

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not v or any(ch.isspace() for ch in v):
            raise ValueError("条款编号不能为空或含空格")
        return v

    @model_validator(mode="after")
    def _common(self) -> ClauseBase:
        if self.kind not in ("none", "external"):
            if not self.matter:
                raise ValueError("有金额的条款必须写明 matter（事项）")
            if not self.matter_label:
                raise ValueError(f"条款的事项 {self.matter} 必须写明 matter_label（事项的中文名称）")
        if self.payee == "park" and not self.park_kind:
            raise ValueError("园区奖励（payee: park）必须写明 park_kind")
        for mapping in (self.item_cap_by_level,):
            for level in mapping or {}:
                if level not in LEVELS.values():
                    raise ValueError(f"未知的级别 {level!r}")
        metric = getattr(self, "metric", None)
        if metric is not None and metric not in FACTS:
            raise ValueError(f"未知的事实名 metric={metric!r}")
        tiers = getattr(self, "tiers", None)
        if tiers:
            if metric is None:
                raise ValueError("有 tiers 时必须写明 metric")
            for tier in tiers:
                if tier.threshold is not None:
                    check_value(metric, tier.threshold)
        return self


class NoneClause(ClauseBase):
    """A clause with no amount of its own (a definition, a procedure)."""

    kind: Literal["none"]


class ExternalClause(ClauseBase):
    """A clause whose amount another document sets."""

    kind: Literal["external"]


class FixedClause(ClauseBase):
    """A fixed amount (给予X万元奖励), once per payee and year however many applications."""

    kind: Literal["fixed"]
    amount: Fen


class RateClause(ClauseBase):
    """A share of an application's amount (按费用的X%). ``quantity_limit``: at most that many of
    the application's quantity count (展位费 x 70% x min(展位数, 6) / 展位数)."""

    kind: Literal["rate"]
    rate: Ratio
    base: str = "application.base_amount"
    quantity_limit: int | None = None


class UnitClause(ClauseBase):
    """An amount per unit (每平方米、每个): a fixed amount, one per level, or one per tier of a
    metric; the units are an application's quantity or full multiples of a fact."""

    kind: Literal["unit"]
    unit_amount: Fen | None = None
    unit_amount_by_level: dict[str, Fen] | None = None
    units: Units = Units()
    metric: str | None = None
    tiers: list[Tier] | None = None

    @model_validator(mode="after")
    def _per_unit(self) -> UnitClause:
        if self.unit_amount is None and self.unit_amount_by_level is None and not self.tiers:
            raise ValueError("kind unit 需要 unit_amount、unit_amount_by_level 或按档位的 tiers")
        for level in self.unit_amount_by_level or {}:
            if level not in LEVELS.values():
                raise ValueError(f"未知的级别 {level!r}")
        return self


class ApprovedClause(ClauseBase):
    """The amount the bureau approved (审定金额), optionally capped by a tier of a metric."""

    kind: Literal["approved"]
    metric: str | None = None
    tiers: list[Tier] | None = None

    @model_validator(mode="after")
    def _on_application(self) -> ApprovedClause:
        if not self.application:
            raise ValueError("kind approved 必须基于申报（application: true）")
        return self


class TieredClause(ClauseBase):
    """Tiers of a metric: the highest reached, the first crossing, or the difference to what
    a lower tier paid before (进档补差)."""

    kind: Literal["tiered"]
    mode: Literal["highest", "first_crossing", "differential"]
    metric: str
    tiers: list[Tier]


class StepClause(ClauseBase):
    """每增长X给予Y: full steps of the rise of a metric over last year; optionally a first award."""

    kind: Literal["step"]
    metric: str | None = None
    step: Any = None
    step_amount: Fen
    first_award: Fen | None = None
    step_by_level: dict[str, StepLevel] | None = None

    @model_validator(mode="after")
    def _step(self) -> StepClause:
        if self.step_by_level is None and (self.metric is None or self.step is None):
            raise ValueError("kind step 需要 metric 和 step，或 step_by_level")
        return self


class ContributionIncrementClause(ClauseBase):
    """A share of the rise of a contribution over its average before the year the enterprise
    first met ``qualify`` (cixi-2024-8 clause 3); the share is a tier of ``metric``."""

    kind: Literal["contribution_increment"]
    metric: str
    contribution: str
    qualify: Condition
    baseline_years: int
    award_years: int
    tiers: list[Tier]

    @model_validator(mode="after")
    def _contribution(self) -> ContributionIncrementClause:
        if self.contribution not in FACTS or FACTS[self.contribution].type != "money":
            raise ValueError(f"contribution 应为金额类事实，而不是 {self.contribution!r}")
        if self.qualify.fact is None:
            raise ValueError('qualify 应为一个事实比较，如 {fact: online_sales, op: ">=", value: 1亿}')
        return self


KIND_CLASSES = (
    NoneClause,
    ExternalClause,
    FixedClause,
    RateClause,
    UnitClause,
    ApprovedClause,
    TieredClause,
    StepClause,
    ContributionIncrementClause,
)
Clause = Annotated[Union[KIND_CLASSES], Field(discriminator="kind")]  # noqa: UP007 (a union built from a tuple)
KINDS = tuple(get_args(c.model_fields["kind"].annotation)[0] for c in KIND_CLASSES)
