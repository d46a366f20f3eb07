"""Demo cases planted on purpose: enterprises exactly on a threshold, histories that make a first
crossing or a step, prior awards, and the few bad rows validation must quarantine."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .demo_applications import WAN
from .money import fen_to_yuan_grouped, fen_to_yuan_text, yuan_to_fen
from .policies import Catalog


def plant(
    rng,
    years,
    region,
    blacklisted,
    members,
    entry,
    parks,
    uscc,
    level,
    retail_ratio,
    wholesale_ratio,
    export_ratio,
    site_ratio,
    crossborder,
    independent,
    limit_forced,
    first_limit_last,
    overrides,
    registered,
    last,
) -> dict[tuple[str, str], list[int]]:
    """Shape a few enterprises so that every data-driven clause has a real case in the demo,
    and return the enterprises that should apply for the clauses that need such figures."""
    n = len(region)
    yi_last = len(years) - 1
    operators = {p["operator_uscc"] for p in parks}
    free = np.array([not blacklisted[i] and uscc[i] not in operators for i in range(n)])

    def pick(mask) -> int | None:
        idx = np.flatnonzero(mask & free)
        return int(idx[0]) if len(idx) else None

    def series(i: int, last_value: float, prev_value: float, growth: float = 0.12) -> None:
        level[yi_last, i] = last_value
        level[yi_last - 1, i] = prev_value
        for yi in range(yi_last - 2, -1, -1):
            level[yi, i] = level[yi + 1, i] / (1 + growth)

    chosen: dict[tuple[str, str], list[int]] = {}
    # binjiang 6.1 / 6.2: a 腰部 enterprise crossing 10亿 retail sales this year, growing fast
    g = pick((region == "330108") & (members == ""))
    if g is not None:
        series(g, 11.0e8, 7.5e8)
        retail_ratio[g], wholesale_ratio[g] = 1.1, 0.2
        limit_forced[g] = True
        registered[g] = min(registered[g], date(2015, 1, 1))
        chosen[("binjiang-2024-14", "6.1")] = [g]
        free[g] = False
    # jinyun 1.1: a member of the e-commerce park adds 1.3亿 of limit-above online retail
    jpark = next(
        (p["park_id"] for p in parks if p["park_id"].startswith("P331122") and p["kind"] == "ecommerce"), None
    )
    if jpark:
        m = pick(members == jpark)
        if m is not None:
            series(m, 4.0e8, 1.5e8)
            limit_forced[m] = True
            free[m] = False
        # jinyun 2: an enterprise brought into the park this year, limit-above for the first time
        j = pick(members == jpark)
        if j is not None:
            series(j, 0.6e8, 0.1e8, growth=0.05)
            retail_ratio[j] = 1.2
            entry[j] = date(last, 3, 1) if last >= 2025 else entry[j]
            limit_forced[j] = True
            first_limit_last[j] = True
            free[j] = False
    # binjiang 5.3: registered this year, 7000万 retail sales, limit-above
    r = pick((region == "330108") & (members == ""))
    if r is not None:
        registered[r] = date(last, 2, 1)
        series(r, 0.7e8, 0.6e8)
        retail_ratio[r] = 1.1
        limit_forced[r] = True
        free[r] = False
    # binjiang 5.2: retail sales pass 500万 for the first time
    q = pick((region == "330108") & (members == ""))
    if q is not None:
        series(q, 0.4e7, 0.3e7, growth=0.1)
        retail_ratio[q] = 1.5
        limit_forced[q] = True
        registered[q] = min(registered[q], date(2016, 1, 1))
        free[q] = False
    # jinyun 12: independent-site sales pass 200万 for the first time
    s = pick((region == "331122") & (members == ""))
    if s is not None:
        crossborder[s] = independent[s] = True
        export_ratio[s] = max(export_ratio[s], 0.5)
        site_ratio[s] = 0.1
        for k, y in enumerate(years):
            overrides[(s, "site")] = {**overrides.get((s, "site"), {}), y: int((120 + 10 * k) * WAN)}
        overrides[(s, "site")][last] = 260 * WAN
        overrides[(s, "site")][last - 1] = 150 * WAN
        chosen[("jinyun-2025", "12")] = [s]
        chosen[("jinyun-2025", "9")] = [s]
        free[s] = False
    # cixi 4.2: an own-brand exporter of 3000万元 this year
    c = pick((region == "330282") & (members == ""))
    if c is not None:
        crossborder[c] = True
        export_ratio[c] = max(export_ratio[c], 0.4)
        overrides[(c, "exports")] = {last: 3000 * WAN}
        chosen[("cixi-2024-8", "4.2")] = [c]
        free[c] = False
    # lishui 4: a newcomer registered last year that already sells 6000万 online
    nl = pick((region == "331102") & (members == ""))
    if nl is not None:
        registered[nl] = date(last - 1, 9, 1)
        series(nl, 0.6e8, 0.1e8)
        chosen[("lishui-2024-64", "4")] = [nl]
        free[nl] = False
    # jinyun 3 / 5: an own-platform retailer growing 15% a year, limit-above
    jr = pick((region == "331122") & (members == ""))
    if jr is not None:
        series(jr, 0.8e8, 0.8e8 / 1.15, growth=0.15)
        limit_forced[jr] = True
        registered[jr] = min(registered[jr], date(2016, 1, 1))
        chosen[("jinyun-2025", "3")] = [jr]
        chosen[("jinyun-2025", "5")] = [jr]
        free[jr] = False
    # cixi 3: online sales pass 1亿 in the policy's period
    cc = pick((region == "330282") & (members == ""))
    if cc is not None:
        series(cc, 1.6e8, 1.3e8, growth=0.1)
        registered[cc] = min(registered[cc], date(2016, 1, 1))
        free[cc] = False
    # lishui 6.1 / 6.2: the new parks' anchor tenants
    for park in parks:
        if not park["park_id"].startswith("P331102"):
            continue
        t = pick(members == park["park_id"])
        if t is None:
            continue
        if park["kind"] == "ecommerce":
            series(t, 6.0e8, 4.0e8)
        else:
            crossborder[t] = True
            export_ratio[t] = max(export_ratio[t], 0.8)
            overrides[(t, "exports")] = {last: 4 * 10**8 * 100}
        free[t] = False
    # binjiang 5.1: wholesale passes 2000万 for the first time (limit-above)
    w = pick((region == "330108") & (members == ""))
    if w is not None:
        series(w, 0.18e8, 0.15e8)
        wholesale_ratio[w] = 1.22
        limit_forced[w] = True
        registered[w] = min(registered[w], date(2016, 1, 1))
        free[w] = False
    # binjiang 12.2: a 国潮 brand growing 30% a year
    b = pick((region == "330108") & (members == ""))
    if b is not None:
        series(b, 0.3e8, 0.3e8 / 1.3, growth=0.3)
        registered[b] = min(registered[b], date(2016, 1, 1))
        chosen[("binjiang-2024-14", "12.2")] = [b]
        free[b] = False
    # lishui 9 / 10: an own-brand exporter with an independent site
    x = pick((region == "331102") & (members == ""))
    if x is not None:
        crossborder[x] = independent[x] = True
        export_ratio[x], site_ratio[x] = max(export_ratio[x], 0.5), 0.2
        overrides[(x, "exports")] = {last: 500 * WAN}
        overrides[(x, "site")] = {last: 180 * WAN}
        chosen[("lishui-2024-64", "10")] = [x]
        chosen[("lishui-2024-64", "9")] = [x]
        free[x] = False
    return chosen


def plant_prior_awards(frames_by_year, catalog: Catalog, first: int, last: int, stats, enterprises) -> None:
    """Awards paid before the ledger existed: one cixi 4.1 tier for an enterprise that grows."""
    rows = []
    cixi = [p for p in catalog.policies if p.id == "cixi-2024-8"]
    if cixi:
        apps = frames_by_year[last]["applications"]
        own_brand = apps[
            (apps["policy_id"] == "cixi-2024-8")
            & (apps["clause_id"] == "4.1")
            & (apps["status"] == "approved")
        ]
        for u in own_brand["uscc"].head(1):
            rows.append(
                {
                    "uscc": u,
                    "year": str(last - 1),
                    "policy_id": "cixi-2024-8",
                    "clause_id": "4.1",
                    "amount": fen_to_yuan_grouped(5 * WAN),
                    "subject_uscc": "",
                }
            )
    frame = pd.DataFrame(rows, columns=["uscc", "year", "policy_id", "clause_id", "amount", "subject_uscc"])
    frames_by_year[last]["prior_awards"] = frame


def inject_errors(frames: dict[str, pd.DataFrame], rng) -> None:
    """Two realistic mistakes, to show quarantine at work: a stats row whose online retail
    exceeds its retail sales, and an application naming a clause the policy does not have."""
    st = frames["annual_stats"]
    last_year = st["year"].astype(int).max()
    idx = st.index[st["year"].astype(int) == last_year][-1]
    st.loc[idx, "online_retail"] = fen_to_yuan_text(yuan_to_fen(st.loc[idx, "retail_sales"]) + 100)
    apps = frames["applications"]
    if len(apps):
        bad = apps.iloc[[0]].copy()
        bad["application_id"] = bad["application_id"] + "-X"
        bad["clause_id"] = "99"
        frames["applications"] = pd.concat([apps, bad], ignore_index=True)
