"""The typed values of a policy file: amounts (元 as written -> integer fen), ratios (exact
fractions), conditions over facts, tiers, what a unit clause counts.

Amounts are written as in the policy text (``"5万"``, ``"0.5亿"``, ``20000``); ratios as
``"85%"`` or ``"0.85"``. Nothing is evaluated as code: conditions are structured data (``all`` /
``any`` / ``not`` over comparisons).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..fact_registry import FACTS
from ..ingest.contract import LEVELS, PARK_KINDS
from ..money import AmountError, parse_decimal_text, to_fraction, yuan_to_fen


def _money(value: Any) -> int:
    if isinstance(value, float):
        raise ValueError('金额不能写成浮点数，请写成字符串或整数（元），如 "5万" 或 50000')
    try:
        return yuan_to_fen(value if isinstance(value, int) else str(value))
    except AmountError as exc:
        raise ValueError(str(exc)) from exc


def _ratio(value: Any) -> Fraction:
    if isinstance(value, float):
        raise ValueError('比率不能写成浮点数，请写成字符串，如 "85%"')
    return to_fraction(value)


Fen = Annotated[int, BeforeValidator(_money)]
Ratio = Annotated[Fraction, BeforeValidator(_ratio)]

OPS = (">=", ">", "<=", "<", "==", "!=")


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
