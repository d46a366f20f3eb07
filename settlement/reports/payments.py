"""Who pays what to whom: each award line's money as the shares of its funding sources
(资金来源: 杭州市财政, 滨江区财政, 慈溪市财政 …), and the bank transfers those shares become
(one per payee and source). The disbursement list, the bank batch-transfer files and the audit
workbook's reconciliation all read these frames, so they cannot disagree.

Terms used on every list:
- 奖励笔数: award lines (one per payee, policy, clause and subject). A line that the city and
  the district share counts once in each source, so the sources' counts add up to more than the
  year's lines; the lists say so where both appear.
- 拨付笔数: bank transfers, one per payee and funding source (the sum of its lines).

Funding sources are ordered by level of government: within each prefecture (the first four
digits of the administrative code), its own treasury (市级, code ending in 00) first, then its
districts, counties and county-level cities in code order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import Settings
from ..policies import Catalog


@dataclass(frozen=True)
class FundingSource:
    name: str  # 杭州市财政
    code: str  # the government's administrative code: 330100

    @property
    def level(self) -> str:
        """市级 for a city with districts, else by the name: 区级, 县级, 县级市."""
        if self.code.endswith("0000"):
            return "省级"
        if self.code.endswith("00"):
            return "市级"
        place = self.name.removesuffix("财政")
        return {"区": "区级", "县": "县级", "市": "县级市", "旗": "县级"}.get(place[-1:], "县级")

    @property
    def label(self) -> str:
        """杭州市财政（市级）."""
        return f"{self.name}（{self.level}）"

    @property
    def order(self) -> tuple:
        return (self.code[:4], 0 if self.code.endswith("00") else 1, self.code, self.name)


def region_names(catalog: Catalog) -> dict[str, str]:
    names: dict[str, str] = {}
    for p in catalog.policies:
        names.update(p.region_names)
    return names


def district_source(region: str, names: dict[str, str]) -> FundingSource:
    """The payee's own region's treasury (区、县、县级市财政)."""
    return FundingSource(f"{names.get(region, region)}财政", region)


def city_source(catalog: Catalog, policy_id: str) -> FundingSource:
    f = catalog.policy(policy_id).funding
    return FundingSource(f.city_body, f.city_body_code)


SHARE_COLUMNS = ["line", "source", "source_code", "side", "amount"]


def shares(lines: pd.DataFrame, catalog: Catalog, regions: pd.Series) -> pd.DataFrame:
    """One row per (line, funding source) whose amount now is not 0: ``line`` (the line's
    position in ``lines``), ``source`` and ``source_code``, ``side`` (city / district) and
    ``amount`` in fen. For a correction run the amount is what the source pays (or recovers) now:
    its share of the line minus its share of what earlier final runs of the year paid."""
    n = len(lines)
    final = lines["final_amount"].to_numpy(dtype=np.int64)
    before = _column(lines, "previously_paid", n)
    before_city = _column(lines, "previous_city_share", n)
    city_now = lines["city_share"].to_numpy(dtype=np.int64) - before_city
    district_now = (final - before) - city_now
    names = region_names(catalog)
    policy_ids = lines["policy_id"].astype(str).to_numpy()
    city = {
        pid: city_source(catalog, pid) if pid in catalog.by_id else FundingSource("市级财政", "000000")
        for pid in set(policy_ids)
    }
    districts = {r: district_source(r, names) for r in set(regions.astype(str))}
    region_values = regions.astype(str).to_numpy()
    parts = [
        pd.DataFrame(
            {
                "line": np.arange(n),
                "source": [city[p].name for p in policy_ids],
                "source_code": [city[p].code for p in policy_ids],
                "side": "city",
                "amount": city_now,
            }
        ),
        pd.DataFrame(
            {
                "line": np.arange(n),
                "source": [districts[r].name for r in region_values],
                "source_code": [districts[r].code for r in region_values],
                "side": "district",
                "amount": district_now,
            }
        ),
    ]
    out = pd.concat(parts, ignore_index=True)
    return out[out["amount"] != 0].reset_index(drop=True)


def _column(lines: pd.DataFrame, name: str, n: int) -> np.ndarray:
    return lines[name].to_numpy(dtype=np.int64) if name in lines else np.zeros(n, dtype=np.int64)


def sources_in_order(share_rows: pd.DataFrame) -> list[FundingSource]:
    pairs = share_rows[["source", "source_code"]].drop_duplicates()
    return sorted(
        (FundingSource(s, c) for s, c in zip(pairs["source"], pairs["source_code"], strict=True)),
        key=lambda s: s.order,
    )


BANK_COLUMNS = ["account_name", "bank_name", "bank_account", "bank_code"]


def bank_details(enterprises: pd.DataFrame, only=None) -> pd.DataFrame:
    """Each enterprise's account: holder name (户名; the enterprise's name when not given), bank
    (开户银行), account number and CNAPS code (联行号), indexed by USCC. ``only``: the USCCs
    wanted (the payees are a few of a province's enterprises)."""
    if only is not None:
        enterprises = enterprises[enterprises["uscc"].isin(pd.unique(np.asarray(only, dtype=object)))]
    info = enterprises.set_index("uscc")
    out = pd.DataFrame(index=info.index)
    names = info["name"].fillna("").astype(str)
    holder = (
        info["account_name"].fillna("").astype(str).str.strip()
        if "account_name" in info
        else pd.Series("", index=info.index)
    )
    out["account_name"] = holder.where(holder != "", names)
    for col in ("bank_name", "bank_account", "bank_code"):
        out[col] = info[col].fillna("").astype(str).str.strip() if col in info else ""
    out["name"] = names
    out["township"] = info["township"].fillna("").astype(str) if "township" in info else ""
    return out


@dataclass
class Payments:
    """A run's money by funding source: ``details`` (one row per line and source, with the
    line's figures and the transfer it belongs to) and ``transfers`` (one row per payee and
    source), both in source order, then payee USCC; ``sources`` in that order."""

    details: pd.DataFrame
    transfers: pd.DataFrame
    sources: list[FundingSource]

    def source_details(self, source: FundingSource) -> pd.DataFrame:
        return self.details[self.details["source"] == source.name]

    def source_transfers(self, source: FundingSource) -> pd.DataFrame:
        return self.transfers[self.transfers["source"] == source.name]


def payments(
    lines: pd.DataFrame, enterprises: pd.DataFrame, catalog: Catalog, settings: Settings, year: int
) -> Payments:
    """The details and transfers of ``lines`` (a final or correction run's lines; lines whose
    money does not move now are left out)."""
    lines = lines.reset_index(drop=True)
    info = enterprises.set_index("uscc")
    regions = lines["payee_uscc"].map(info["region_code"]).fillna("").astype(str)
    rows = shares(lines, catalog, regions)
    picked = lines.iloc[rows["line"].to_numpy()].reset_index(drop=True)
    details = pd.concat([rows.drop(columns=["line"]).reset_index(drop=True), picked], axis=1)
    details["line_no"] = rows["line"].to_numpy() + 1
    bank = bank_details(enterprises, only=details["payee_uscc"])
    for col in (*BANK_COLUMNS, "name"):
        details[f"payee_{col}"] = details["payee_uscc"].map(bank[col]).fillna("").astype(str)
    order = {s.name: i for i, s in enumerate(sources_in_order(rows))}
    policy_order = {p.id: i for i, p in enumerate(catalog.policies)}
    clause_order = {(p.id, c.id): j for p in catalog.policies for j, c in enumerate(p.clauses)}
    details["_source_order"] = details["source"].map(order).astype(np.int64)
    details["_policy_order"] = details["policy_id"].map(policy_order).fillna(99).astype(np.int64)
    keys = pd.MultiIndex.from_arrays([details["policy_id"], details["clause_id"]])
    details["_clause_order"] = (
        pd.Series(clause_order, dtype=np.int64).reindex(keys).fillna(999).astype(np.int64).to_numpy()
    )
    details = details.sort_values(
        ["_source_order", "payee_uscc", "_policy_order", "_clause_order", "subject_uscc", "park_id"],
        kind="stable",
    )
    details = details.reset_index(drop=True)
    details["policy_citation"] = (
        details["policy_id"].map({p.id: p.citation for p in catalog.policies}).fillna(details["policy_id"])
    )
    details["clause_words"] = clause_words(details, catalog)
    details["note"] = detail_notes(details, catalog)

    keys = ["source", "payee_uscc"]
    grouped = details.groupby(keys, sort=False)
    transfers = grouped.agg(
        source_code=("source_code", "first"),
        amount=("amount", "sum"),
        lines=("amount", "size"),
        account_name=("payee_account_name", "first"),
        bank_name=("payee_bank_name", "first"),
        bank_account=("payee_bank_account", "first"),
        bank_code=("payee_bank_code", "first"),
        name=("payee_name", "first"),
        _source_order=("_source_order", "first"),
    ).reset_index()
    transfers["amount"] = transfers["amount"].astype(np.int64)
    transfers = transfers.sort_values(["_source_order", "payee_uscc"], kind="stable").reset_index(drop=True)
    transfers["no"] = transfers.groupby("source", sort=False).cumcount() + 1
    transfers["purpose"] = settings.purpose_for(year)
    details = details.merge(
        transfers[keys + ["no"]].rename(columns={"no": "transfer_no"}), on=keys, how="left"
    )
    return Payments(details, transfers, sources_in_order(rows))


def clause_words(frame: pd.DataFrame, catalog: Catalog) -> pd.Series:
    """第4.3条 境外展会补助: the clause and the reward's name (its matter)."""
    return pd.Series(
        [
            f"第{c}条 {catalog.matter_label(m)}" if m else f"第{c}条"
            for c, m in zip(frame["clause_id"], frame["matter"], strict=True)
        ],
        index=frame.index,
        dtype=object,
    )


def detail_notes(details: pd.DataFrame, catalog: Catalog) -> pd.Series:
    """备注 of a detail row: why its amount is what it is. The line's own remark (scaled down,
    no double benefit, objection outcome), the city/district split with this source's part, a
    park award's park, and a correction's difference."""
    from ..engine.text import fen_column_words

    n = len(details)
    if not n:
        return pd.Series([], dtype=object)
    remark = (
        details["remark"].fillna("").astype(str).to_numpy()
        if "remark" in details
        else np.full(n, "", dtype=object)
    )
    final = details["final_amount"].to_numpy(dtype=np.int64)
    city = details["city_share"].to_numpy(dtype=np.int64)
    district = details["district_share"].to_numpy(dtype=np.int64)
    before = _column(details, "previously_paid", n)
    amount = details["amount"].to_numpy(dtype=np.int64)
    mine = np.where(details["side"].to_numpy() == "city", city, district)
    split = np.where(
        (city != 0) & (district != 0),
        "市、区（县）两级分担：奖励合计" + fen_column_words(final) + "，本来源承担" + fen_column_words(mine),
        "",
    )
    park = details["park_id"].fillna("").astype(str).to_numpy()
    payee = details["payee_uscc"].to_numpy()
    subject = details["subject_uscc"].fillna("").astype(str).to_numpy()
    park_words = np.where(
        (park != "") & (subject == payee),
        "园区奖励（园区" + park.astype(object) + "），付给运营主体",
        np.where(
            (subject != "") & (subject != payee),
            "因入驻企业" + subject.astype(object) + "付给园区运营主体",
            "",
        ),
    )
    correction = np.where(
        before != 0,
        "更正：原已拨付"
        + fen_column_words(before)
        + np.where(amount < 0, "，本次追回差额", "，本次补拨差额"),
        "",
    )
    capped = np.where(
        details["capped_amount"].to_numpy(dtype=np.int64)
        < details["standard_amount"].to_numpy(dtype=np.int64),
        "按条款上限封顶",
        "",
    )
    out = [
        "；".join(p for p in parts if p)
        for parts in zip(capped, remark, split, park_words, correction, strict=True)
    ]
    return pd.Series(out, index=details.index, dtype=object)


def missing_bank_details(lines: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Payees of paid lines whose account cannot be paid to: no account number or no bank.
    Columns: payee_uscc, name, missing (the fields, in words), lines (how many paid lines)."""
    paid = lines[(lines["status"] == "paid") & (lines["final_amount"] > 0)]
    if not len(paid):
        return pd.DataFrame(columns=["payee_uscc", "name", "missing", "lines"])
    counts = paid.groupby("payee_uscc").size()
    info = bank_details(enterprises, only=counts.index).reindex(counts.index)  # not in the ledger: blank
    blank = {col: info[col].fillna("").astype(str).str.strip() == "" for col in ("bank_account", "bank_name")}
    words = np.where(blank["bank_account"], "银行账号", "")
    words = np.where(blank["bank_account"] & blank["bank_name"], "银行账号、开户银行", words)
    words = np.where(~blank["bank_account"] & blank["bank_name"], "开户银行", words)
    gaps = blank["bank_account"].to_numpy() | blank["bank_name"].to_numpy()
    return pd.DataFrame(
        {
            "payee_uscc": counts.index.to_numpy(dtype=object)[gaps],
            "name": info["name"].fillna("").to_numpy(dtype=object)[gaps],
            "missing": words[gaps].astype(object),
            "lines": counts.to_numpy(dtype=np.int64)[gaps],
        },
        columns=["payee_uscc", "name", "missing", "lines"],
    )
