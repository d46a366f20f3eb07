"""The shape of a policy file (``settlement/policies/<policy_id>.yaml``), checked at load time.

A typo in a kind, a missing threshold, an unknown fact name or a duplicate clause id stops
loading with a message naming the file, the clause and the field. The values (amounts, ratios,
conditions, tiers) are in :mod:`.values`, the clauses of each kind in :mod:`.clauses`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .clauses import KINDS, Clause, ClauseBase, TestCase
from .values import OPS, Condition, Fen, Ratio, StepLevel, Strict, Tier, Units, check_value

__all__ = [
    "KINDS",
    "OPS",
    "Article",
    "Budget",
    "CapGroup",
    "Clause",
    "ClauseBase",
    "Condition",
    "Dedup",
    "Effective",
    "Fen",
    "Funding",
    "Policy",
    "Ratio",
    "StepLevel",
    "TestCase",
    "Tier",
    "Units",
    "check_value",
]


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
    city_share: (
        Ratio  # default share of the city; the rest is the district's (the payee's region's own treasury)
    )
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
    def clauses(self) -> list[ClauseBase]:
        return [c for a in self.articles for c in a.clauses]

    def clause(self, clause_id: str) -> ClauseBase:
        for c in self.clauses:
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)

    def in_force(self, year: int) -> bool:
        start_ok = self.effective.start <= date(year, 12, 31)
        end_ok = self.effective.end is None or self.effective.end >= date(year, 1, 1)
        return start_ok and end_ok
