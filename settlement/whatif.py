"""``settlement whatif``: the year's computed lines read back from the ledger and paid under the
run's own budgets and under budgets the finance bureau asks about (see
:mod:`settlement.allocation.whatif`). Reads only: nothing is written to the ledger and no run
changes; the figures go to ``out/<year>/whatif_<year>.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .allocation.whatif import Scenario, run_budgets, scenario
from .explain import year_run
from .ledger.models import AwardLine, Enterprise
from .ledger.read import read_table
from .policies import Catalog, load_catalog
from .reports.files import write_text_atomic


@dataclass
class WhatIf:
    year: int
    run_uid: str
    run_status: str
    scenarios: list[Scenario]
    path: Path | None = None

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "run_uid": self.run_uid,
            "run_status": self.run_status,
            "note": "金额单位：分（fen）。full_total 为不按预算下调、全额兑现的合计，即足额兑现所需预算；"
            "假设预算按最大余数法精确到分分配，与正式结算的方法相同。本测算不写入台账，不改变任何结算。",
            "scenarios": [s.as_dict() for s in self.scenarios],
        }


def parse_budgets(values: list[str], catalog: Catalog) -> dict[str, int]:
    """``POLICY=元`` pairs as fen; an unknown policy or an amount that is not 元 with at most two
    decimals is refused with what was typed."""
    from decimal import Decimal, InvalidOperation

    out: dict[str, int] = {}
    for value in values:
        policy_id, sep, amount = value.partition("=")
        policy_id, amount = policy_id.strip(), amount.strip().replace(",", "")
        if not sep or policy_id not in catalog.by_id:
            known = "、".join(p.id for p in catalog.policies)
            raise ValueError(f"--budget {value}：应写成 政策编号=金额（元），政策编号是 {known} 之一")
        try:
            yuan = Decimal(amount)
        except InvalidOperation:
            raise ValueError(f"--budget {value}：金额 {amount} 不是数字（单位：元，最多两位小数）") from None
        if not yuan.is_finite() or yuan < 0 or yuan != yuan.quantize(Decimal("0.01")) or yuan >= 10**15:
            raise ValueError(f"--budget {value}：金额应为 0 到 10^15 元之间、最多两位小数")
        out[policy_id] = int(yuan * 100)
    return out


def year_lines(year: int, db: str | None) -> tuple[pd.DataFrame, pd.Series, object]:
    """The lines of the year's newest run (final before publicity before draft), each payee's
    region, and the run (its budgets are in its recorded scale factors)."""
    with year_run(year, db) as (conn, run):
        lines = read_table(
            conn, AwardLine, where=AwardLine.__table__.c.run_id == run.id, order_by=("line_no",)
        )
        enterprises = read_table(conn, Enterprise)
    regions = lines["payee_uscc"].map(enterprises.set_index("uscc")["region_code"]).fillna("").astype(str)
    return lines, regions.reset_index(drop=True), run


def whatif(year: int, db: str | None, assumed: list[dict[str, int]], out_root: Path | None = None) -> WhatIf:
    """The run's own budgets first, then one scenario per set of assumed budgets."""
    catalog = load_catalog()
    lines, regions, run = year_lines(year, db)
    own = run_budgets(json.loads(run.scale_factors or "{}"))
    scenarios = [scenario(lines, catalog, regions, own, "本次结算的预算")]
    for given in assumed:
        label = "假设预算：" + "，".join(
            f"{catalog.policy(p).short_name} {v / 100:,.2f}元" for p, v in given.items()
        )
        scenarios.append(scenario(lines, catalog, regions, own, label, given))
    result = WhatIf(year, run.run_uid, run.status, scenarios)
    if out_root is not None:
        result.path = (
            Path(out_root) / str(year) / "whatif" / f"whatif_{year}.json"
        )  # beside the run's files, not among them
        result.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(
            result.path, json.dumps(result.as_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        )
    return result
