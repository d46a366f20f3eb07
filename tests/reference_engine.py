"""A plain, per-row reference implementation of the settlement rules, for checking the engine.

The engine (``settlement.engine`` and ``settlement.allocation``) evaluates each clause for all
enterprises at once, on columns. This module does the same work the slow, obvious way: it
loops over records (dicts), computes each enterprise's facts one by one with
``fractions.Fraction``, evaluates each clause for each row, then applies cap groups, no double
benefit, budget scale-down and the funding split line by line. It reads the same policy files
and the same year's data (a :class:`settlement.engine.context.YearContext`), and shares no
evaluation code with the engine: only the policy schema (to read the files) and the column
scales of the landing contract.

It is written for clarity, not speed: the benchmark (``tests/bench/bench_scale.py``) runs both
on the same data, asserts that every award line is identical and prints the speed ratio, and
``tests/test_reference_engine.py`` does the same on demo data in the test suite.

The result is a dict keyed by (payee_uscc, subject_uscc, park_id, policy_id, clause_id) with
the line's status, amount after caps, final amount, and the city's and district's shares.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from settlement.fact_registry import FACTS, GROWTH, MONEY_STATISTICS  # the names and types of facts only
from settlement.ingest.contract import NUMBER_SCALE, RATIO_SCALE
from settlement.policies.schema import Clause, Condition, Policy, check_value

MONEY = MONEY_STATISTICS
NUMERIC = ("money", "usd", "ratio", "count", "int")


class MissingFact(Exception):
    pass


def _none(v):
    """None for a missing cell (None, NaN, NaT, pandas NA), else the value."""
    if v is None:
        return None
    try:
        if v != v:  # NaN / NaT
            return None
    except TypeError:  # pandas NA
        return None
    return v


def _int(v):
    v = _none(v)
    return None if v is None else int(v)


def _date(v):
    v = _none(v)
    if v is None:
        return None
    if isinstance(v, datetime):  # pandas Timestamp too
        return v.date()
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def half_up(num: int, den: int) -> int:
    """num / den rounded half up (num >= 0, den > 0)."""
    return (2 * num + den) // (2 * den)


def records(frame) -> list[dict]:
    return frame.to_dict("records")


# ---------------------------------------------------------------------------- facts


def stat_value(row: dict | None, metric: str):
    """A money figure of a stats row (online_sales falls back to online retail)."""
    if row is None:
        return None
    v = _int(row.get(metric))
    if metric == "online_sales" and v is None:
        v = _int(row.get("online_retail"))
    return v


def growth(row: dict | None, prev_row: dict | None, name: str):
    """The year's growth: the reported rate, else cur / prev - 1 (unknown when prev <= 0)."""
    if row is not None and _int(row.get(name)) is not None:
        return Fraction(_int(row.get(name)), RATIO_SCALE)
    cur, prev = stat_value(row, GROWTH[name]), stat_value(prev_row, GROWTH[name])
    if cur is None or prev is None or prev <= 0:
        return None
    return Fraction(cur - prev, prev)


def enterprise_facts(
    ent: dict, year: int, stats_of: dict, fx_rate: int | None, region_sums: dict, limit_before: set
) -> dict:
    uscc = ent["uscc"]
    cur, prev, prev2 = (stats_of.get((uscc, y)) for y in (year, year - 1, year - 2))
    f: dict = {}
    for m in MONEY:
        f[m] = stat_value(cur, m)
        f[m + "@prev"] = stat_value(prev, m)
    f["limit_above"] = bool(cur is not None and bool(cur.get("limit_above")))
    f["limit_above@prev"] = bool(prev is not None and bool(prev.get("limit_above")))
    for name, metric in GROWTH.items():
        g1 = growth(cur, prev, name)
        g0 = growth(prev, prev2, name)
        f[name] = g1
        reported = (cur is not None and _int(cur.get(name)) is not None) or (
            prev is not None and _int(prev.get(name)) is not None
        )
        if reported:
            f[name + "_2y"] = None if g1 is None or g0 is None else (1 + g1) * (1 + g0)
        else:
            c, p2 = stat_value(cur, metric), stat_value(prev2, metric)
            f[name + "_2y"] = None if c is None or p2 is None or p2 <= 0 else Fraction(c, p2)
        f[name + "_2y:arithmetic"] = None if g1 is None or g0 is None else (g1 + g0) / 2
    exports = f["crossborder_exports"]
    if fx_rate:
        f["crossborder_exports_usd"] = None if exports is None else Fraction(exports * RATIO_SCALE, fx_rate)
    else:
        f["crossborder_exports_usd"] = MissingFact(f"no fx rate for {year}")
    registered = _date(ent.get("registered_on"))
    f["years_since_registration"] = None if registered is None else year - registered.year
    f["registered_this_year"] = registered is not None and registered.year == year
    f["first_limit_above_this_year"] = f["limit_above"] and uscc not in limit_before
    f["region_code"] = ent.get("region_code")
    r = region_sums.get(ent.get("region_code"))
    g = f["retail_growth"]
    f["retail_growth_above_region_average"] = bool(
        g is not None and r is not None and r[1] > 0 and (1 + g) * r[1] > r[0]
    )
    return f


def park_facts(park: dict, year: int, members: list[str], stats_of: dict) -> dict:
    f = {
        "park.kind": park.get("kind"),
        "park.building_area_m2": None
        if _int(park.get("building_area_m2")) is None
        else Fraction(_int(park["building_area_m2"]), NUMBER_SCALE),
        "park.occupancy_rate": None
        if _int(park.get("occupancy_rate")) is None
        else Fraction(_int(park["occupancy_rate"]), RATIO_SCALE),
        "park.online_shops": _int(park.get("online_shops")),
        "park.established_on": _date(park.get("established_on")),
    }
    for suffix, y in (("", year), ("@prev", year - 1)):
        rows = [stats_of[(u, y)] for u in members if (u, y) in stats_of]
        for name, metric, only_limit in (
            ("park.online_retail", "online_retail", False),
            ("park.limit_above_online_retail", "online_retail", True),
            ("park.crossborder_exports", "crossborder_exports", False),
        ):
            if not rows:
                f[name + suffix] = None
                continue
            total = 0
            for row in rows:
                if only_limit and not bool(row.get("limit_above")):
                    continue
                v = _int(row.get(metric))
                if v is not None:
                    total += v
            f[name + suffix] = total
    return f


def application_facts(app: dict, ent_facts: dict | None) -> dict:
    f = dict(ent_facts or {})
    f["application.base_amount"] = _int(app.get("base_amount"))
    f["application.approved_amount"] = _int(app.get("approved_amount"))
    q = _int(app.get("quantity"))
    f["application.quantity"] = None if q is None else Fraction(q, NUMBER_SCALE)
    months = _int(app.get("months"))
    f["application.months"] = 12 if months is None else months
    f["application.level"] = _none(app.get("level"))
    return f


# ---------------------------------------------------------------------- conditions

OPS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


def _cmp(a, op: str, b) -> bool:
    return OPS[op](a, b)


def fact_type(name: str) -> str:
    return FACTS[name].type


def holds(facts: dict, name: str, op: str, raw, two_year: str = "geometric") -> bool:
    """One comparison, exactly; a comparison on an unknown fact is false."""
    kind = fact_type(name)
    value = check_value(name, raw)
    if kind == "growth2":
        if two_year == "arithmetic":
            v = facts.get(name + ":arithmetic")
            return v is not None and _cmp(v, op, Fraction(value))
        v = facts.get(name)
        return v is not None and _cmp(v, op, (1 + Fraction(value)) ** 2)
    v = facts.get(name)
    if isinstance(v, MissingFact):
        raise v
    if kind in NUMERIC:
        return v is not None and _cmp(Fraction(v), op, Fraction(value))
    if kind == "bool":
        return _cmp(bool(v), op, bool(value))
    if kind == "date":
        return v is not None and _cmp(v, op, value)
    if v is None:
        return False
    return (v == value) if op == "==" else (v != value)


def condition(cond: Condition | None, facts: dict, two_year: str) -> bool:
    if cond is None:
        return True
    if cond.fact is not None:
        return holds(facts, cond.fact, cond.op, cond.value, two_year)
    if cond.all is not None:
        return all([condition(c, facts, two_year) for c in cond.all])
    if cond.any is not None:
        return any([condition(c, facts, two_year) for c in cond.any])
    return not condition(cond.not_, facts, two_year)


def highest_tier(clause: Clause, facts: dict, two_year: str = "geometric") -> int:
    best = -1
    for k, tier in enumerate(clause.tiers or []):
        if tier.level is not None:
            reached = facts.get(clause.metric) == tier.level
        else:
            reached = holds(facts, clause.metric, tier.op, tier.threshold, two_year)
        if reached:
            best = k
    return best


def tier_amount(clause: Clause, k: int, attr: str = "amount") -> int:
    return int(getattr(clause.tiers[k], attr) or 0) if k >= 0 else 0


# ------------------------------------------------------------------------ the year


@dataclass
class Line:
    payee: str
    subject: str
    park_id: str
    policy_id: str
    clause_id: str
    matter: str
    excluded: bool
    amount: int
    status: str = ""
    capped: int = 0
    final: int = 0
    city: int = 0
    district: int = 0
    superseded: bool = False

    @property
    def key(self) -> tuple:
        return (self.payee, self.subject, self.park_id, self.policy_id, self.clause_id)


class Reference:
    def __init__(self, ctx):
        self.year = year = ctx.year
        self.catalog = ctx.catalog
        self.enterprises = {e["uscc"]: e for e in records(ctx.enterprises)}
        self.stats = [s for s in records(ctx.stats) if int(s["year"]) <= year]
        self.stats_of = {}
        self.years_of: dict[str, list[int]] = {}
        for s in self.stats:
            if (s["uscc"], int(s["year"])) not in self.stats_of:
                self.stats_of[(s["uscc"], int(s["year"]))] = s
                self.years_of.setdefault(s["uscc"], []).append(int(s["year"]))
        self.apps = records(ctx.applications)
        self.parks = sorted(records(ctx.parks), key=lambda p: p["park_id"])
        self.budgets = records(ctx.budgets)
        fx = [r for r in records(ctx.fx_rates) if int(r["year"]) == year]
        fx_rate = int(fx[0]["usd_cny"]) if fx else None
        # paid before this year, per (payee, subject, policy, clause)
        self.paid_total: dict[tuple, int] = {}
        self.paid_max: dict[tuple, int] = {}
        for p in records(ctx.paid):
            if int(p["year"]) >= year:
                continue
            k = (p["payee_uscc"], p["subject_uscc"], p["policy_id"], p["clause_id"])
            self.paid_total[k] = self.paid_total.get(k, 0) + int(p["amount"])
            self.paid_max[k] = max(self.paid_max.get(k, 0), int(p["amount"]))
        # region sums of retail sales (this year and last) over enterprises with both figures
        region_sums: dict = {}
        for u, e in self.enterprises.items():
            c, p = (
                stat_value(self.stats_of.get((u, year)), "retail_sales"),
                stat_value(self.stats_of.get((u, year - 1)), "retail_sales"),
            )
            if c is not None and p is not None:
                s = region_sums.setdefault(e["region_code"], [0, 0])
                s[0] += c
                s[1] += p
        limit_before = {s["uscc"] for s in self.stats if int(s["year"]) < year and bool(s.get("limit_above"))}
        self.facts = {
            u: enterprise_facts(e, year, self.stats_of, fx_rate, region_sums, limit_before)
            for u, e in self.enterprises.items()
        }
        self.members: dict[str, list[str]] = {}
        for u, e in sorted(self.enterprises.items()):
            if _none(e.get("park_id")):
                self.members.setdefault(e["park_id"], []).append(u)
        self.park_facts = {
            p["park_id"]: park_facts(p, year, self.members.get(p["park_id"], []), self.stats_of)
            for p in self.parks
        }

    # ---------------------------------------------------------------- helpers
    def region(self, uscc: str):
        e = self.enterprises.get(uscc)
        return None if e is None else e.get("region_code")

    def blacklisted(self, uscc: str) -> bool:
        e = self.enterprises.get(uscc)
        return bool(e is not None and _none(e.get("credit_blacklisted")))

    def paid(self, payee: str, subject: str, policy: Policy, clause: Clause) -> tuple[int, int]:
        k = (payee, subject, policy.id, clause.id)
        return self.paid_total.get(k, 0), self.paid_max.get(k, 0)

    def reached_before(self, uscc: str, clause: Clause, k: int) -> bool:
        """Tier k of a first-crossing clause reached in an earlier year, or already paid."""
        tier = clause.tiers[k]
        for y in self.years_of.get(uscc, []):
            if y >= self.year:
                continue
            row = self.stats_of[(uscc, y)]
            v = stat_value(row, clause.metric)
            if v is not None and _cmp(
                Fraction(v), tier.op, Fraction(check_value(clause.metric, tier.threshold))
            ):
                if not clause.requires_limit_above or bool(row.get("limit_above")):
                    return True
        return False

    def tiered_enterprise(
        self, policy: Policy, clause: Clause, uscc: str, cond: bool
    ) -> tuple[bool, int, int]:
        """(reached any tier, amount, tier index) of an enterprise's own figures."""
        f = self.facts[uscc]
        reached = (
            highest_tier(clause, f, policy.two_year_average)
            if cond and (not clause.requires_limit_above or f["limit_above"])
            else -1
        )
        if clause.mode != "first_crossing":
            return reached >= 0, tier_amount(clause, reached), reached
        _, paid_max = self.paid(uscc, uscc, policy, clause)
        idx = -1
        for k in range(len(clause.tiers)):
            before = self.reached_before(uscc, clause, k) or paid_max >= int(clause.tiers[k].amount or 0)
            if reached >= k and not before:
                idx = k
        return reached >= 0, tier_amount(clause, idx), idx

    # ------------------------------------------------------------ clause kinds
    def step(self, clause: Clause, policy: Policy, f: dict, payee: str) -> tuple[int, bool]:
        configs = []
        if clause.step_by_level:
            lv = f.get("application.level")
            if lv not in clause.step_by_level:
                return 0, False
            cfg = clause.step_by_level[lv]
            configs = (cfg.metric, cfg.step, cfg.first_above)
        else:
            configs = (clause.metric, clause.step, None)
        metric, step, first_above = configs
        cur, prev = f.get(metric), f.get(metric + "@prev")
        size = Fraction(check_value(metric, step))
        rise = cur - prev if cur is not None and prev is not None else 0
        units = max(0, math.floor(Fraction(rise) / size))
        steps_amount = units * int(clause.step_amount)
        if first_above is not None and clause.first_award is not None:
            paid_total, _ = self.paid(payee, payee, policy, clause)
            if paid_total == 0:
                passes = cur is not None and Fraction(cur) > Fraction(check_value(metric, first_above))
                return (int(clause.first_award) if passes else 0), cur is not None
        return steps_amount, cur is not None and prev is not None

    def item(self, policy: Policy, clause: Clause, app: dict, f: dict) -> tuple[int, bool, int]:
        """One application's amount, whether it can be computed, and its tier."""
        kind = clause.kind
        tier = -1
        ok = True
        if kind == "fixed":
            amount = int(clause.amount)
        elif kind == "rate":
            base = f["application.base_amount"]
            ok = base is not None
            value = Fraction(base or 0) * Fraction(clause.rate)
            if clause.quantity_limit is not None:
                q = f["application.quantity"]
                q = q if q is not None and q > 0 else Fraction(1)
                value = value * min(q, clause.quantity_limit) / q
            amount = half_up(value.numerator, value.denominator)
        elif kind == "unit":
            amount, ok = self.unit(policy, clause, f)
        elif kind == "approved":
            approved = f["application.approved_amount"]
            ok = approved is not None
            amount = approved or 0
            if clause.tiers:
                tier = highest_tier(clause, f, policy.two_year_average)
                ok = ok and tier >= 0
                amount = min(amount, tier_amount(clause, tier, "cap")) if tier >= 0 else 0
        elif kind == "tiered":
            if clause.metric.startswith("application."):
                tier = highest_tier(clause, f, policy.two_year_average)
            elif app["uscc"] in self.facts:
                _, _, tier = self.tiered_enterprise(policy, clause, app["uscc"], True)
            amount, ok = tier_amount(clause, tier), tier >= 0
        elif kind == "step":
            amount, ok = self.step(clause, policy, f, app["uscc"])
        else:
            raise ValueError(kind)
        if clause.item_cap_by_level:
            lv = f.get("application.level")
            if lv in clause.item_cap_by_level:
                amount = min(amount, int(clause.item_cap_by_level[lv]))
            else:
                ok = False
        if clause.item_cap_per_unit is not None:
            q = f["application.quantity"]
            units = math.floor(q) if q is not None else 1
            amount = min(amount, units * int(clause.item_cap_per_unit))
        if clause.item_cap is not None:
            amount = min(amount, int(clause.item_cap))
        return (amount if ok else 0), ok, tier

    def unit(self, policy: Policy, clause: Clause, f: dict) -> tuple[int, bool]:
        units = clause.units
        if clause.unit_amount_by_level:
            lv = f.get("application.level")
            known = lv in clause.unit_amount_by_level
            per = int(clause.unit_amount_by_level[lv]) if known else 0
        elif clause.tiers:
            k = highest_tier(clause, f, policy.two_year_average)
            known, per = k >= 0, tier_amount(clause, k)
        else:
            known, per = True, int(clause.unit_amount)
        if units is not None and units.source == "fact":
            v = f.get(units.fact)
            if isinstance(v, MissingFact):
                raise v
            if v is None:
                return 0, False
            count = math.floor(Fraction(v) / Fraction(check_value(units.fact, units.size)))
            if units.max_units is not None:
                count = min(count, units.max_units)
            return (per * count if known else 0), known
        q = f["application.quantity"]
        if q is None:
            return 0, False
        if units is None or units.full:
            q = Fraction(math.floor(q))
        if units is not None and units.max_units is not None:
            q = min(q, Fraction(units.max_units))
        months = f["application.months"] if units is not None and units.times_months else 1
        value = per * q * months
        return (half_up(value.numerator, value.denominator) if known else 0), known

    def finish(self, policy: Policy, clause: Clause, line: Line) -> Line:
        paid_total, _ = self.paid(line.payee, line.subject, policy, clause)
        amount = line.amount
        if clause.once and paid_total > 0 and not line.excluded:
            amount = 0
        if getattr(clause, "mode", None) == "differential":
            amount = max(0, amount - paid_total)
        capped = amount
        if clause.cap is not None:
            capped = min(capped, int(clause.cap))
        if clause.cumulative_cap is not None:
            capped = min(capped, max(0, int(clause.cumulative_cap) - paid_total))
        line.capped = capped
        line.status = "excluded" if line.excluded else ("candidate" if capped > 0 else "zero")
        return line

    # ------------------------------------------------------------ line makers
    def application_lines(self, policy: Policy, clause: Clause, in_force: bool) -> list[Line]:
        apps = sorted(
            (a for a in self.apps if a["policy_id"] == policy.id and a["clause_id"] == clause.id),
            key=lambda a: str(a["application_id"]),
        )
        per_payee: dict[tuple, dict] = {}
        evaluated = []
        for app in apps:
            uscc = app["uscc"]
            f = application_facts(app, self.facts.get(uscc))
            park_id = ""
            eligible = app.get("status") == "approved" and in_force and self.region(uscc) in policy.regions
            if policy.excludes_blacklisted and self.blacklisted(uscc):
                eligible = False
            if clause.payee == "park":
                parks = [
                    p for p in self.parks if p["operator_uscc"] == uscc and p["kind"] == clause.park_kind
                ]
                if parks:
                    park_id = parks[0]["park_id"]
                    f.update(self.park_facts[park_id])
                else:
                    eligible = False
            if clause.kind in ("none", "external"):
                eligible = False
            evaluated.append((app, f, park_id, eligible))
        any_eligible = any(e for *_, e in evaluated)
        for app, f, park_id, eligible in evaluated:
            amount, tier, good = 0, -1, False
            if eligible and in_force and any_eligible and clause.kind not in ("none", "external"):
                cond = condition(clause.conditions, f, policy.two_year_average)
                amount, ok, tier = self.item(policy, clause, app, f)
                good = cond and ok
            g = per_payee.setdefault(
                (app["uscc"], park_id), {"eligible": False, "sum": 0, "max": 0, "tier": -1}
            )
            g["eligible"] |= eligible
            if good:
                g["sum"] += amount
                g["max"] = max(g["max"], amount)
                g["tier"] = max(g["tier"], tier)
        lines = []
        for (uscc, park_id), g in sorted(per_payee.items()):
            if clause.kind == "fixed":
                standard = g["max"]
            elif clause.kind == "tiered":
                standard = tier_amount(clause, g["tier"])
            else:
                standard = g["sum"]
            line = Line(
                uscc,
                uscc,
                park_id,
                policy.id,
                clause.id,
                clause.matter or "",
                not g["eligible"],
                standard if g["eligible"] else 0,
            )
            lines.append(self.finish(policy, clause, line))
        return lines

    def data_rows(self, policy: Policy, clause: Clause):
        """(payee, subject, park_id, facts) for every row a data-driven clause looks at."""
        if clause.payee == "park":
            for p in self.parks:
                if p["kind"] == clause.park_kind:
                    yield p["operator_uscc"], p["operator_uscc"], p["park_id"], self.park_facts[p["park_id"]]
        elif clause.payee == "park_member":
            operator_of = {p["park_id"]: p["operator_uscc"] for p in self.parks}
            for u in sorted(self.enterprises):
                e = self.enterprises[u]
                park_id = _none(e.get("park_id")) or ""
                if not park_id:
                    continue
                f = dict(self.facts[u])
                entry = _date(e.get("park_entry_on"))
                f["entered_park_on_or_after_policy_start"] = (
                    entry is not None and entry >= policy.effective.start
                )
                yield operator_of.get(park_id, ""), u, park_id, f
        else:
            for u in sorted(self.enterprises):
                yield u, u, "", self.facts[u]

    def data_lines(self, policy: Policy, clause: Clause) -> list[Line]:
        lines = []
        for payee, subject, park_id, f in self.data_rows(policy, clause):
            cond = condition(clause.conditions, f, policy.two_year_average)
            if clause.kind == "tiered" and clause.payee == "enterprise":
                fired, amount, _ = self.tiered_enterprise(policy, clause, subject, cond)
            elif clause.kind == "tiered":
                ok_limit = not clause.requires_limit_above or f.get("limit_above", False)
                k = highest_tier(clause, f, policy.two_year_average) if cond and ok_limit else -1
                fired, amount = k >= 0, tier_amount(clause, k)
            elif clause.kind == "contribution_increment":
                fired, amount = self.contribution_increment(policy, clause, subject)
                fired = fired and cond
            elif clause.kind == "step":
                amount, ok = self.step(clause, policy, f, payee)
                fired = cond and ok and amount > 0
            elif clause.kind == "fixed":
                fired, amount = cond, int(clause.amount)
            else:
                raise ValueError(clause.kind)
            if not fired or not payee or self.region(payee) not in policy.regions:
                continue
            black = policy.excludes_blacklisted and self.blacklisted(payee)
            line = Line(
                payee,
                subject,
                park_id,
                policy.id,
                clause.id,
                clause.matter or "",
                black,
                0 if black else amount,
            )
            lines.append(self.finish(policy, clause, line))
        return lines

    def contribution_increment(self, policy: Policy, clause: Clause, uscc: str) -> tuple[bool, int]:
        """cixi 3: qualifying year Q (first in the policy period meeting ``qualify``); the award
        is rate x (contribution - mean of the ``baseline_years`` before Q), in the window."""
        q = clause.qualify
        start = policy.effective.start.year
        qual = None
        for y in range(start, self.year + 1):
            v = stat_value(self.stats_of.get((uscc, y)), q.fact)
            if v is not None and _cmp(Fraction(v), q.op, Fraction(check_value(q.fact, q.value))):
                qual = y
                break
        if qual is None or not qual <= self.year <= qual + clause.award_years - 1:
            return False, 0
        k = clause.baseline_years
        base_sum = sum(
            _int(self.stats_of[(uscc, y)].get(clause.contribution)) or 0
            for y in range(qual - k, qual)
            if (uscc, y) in self.stats_of
        )
        f = self.facts[uscc]
        cur = f[clause.contribution]
        tier = highest_tier(clause, f)
        if cur is None or tier < 0:
            return True, 0
        rate = Fraction(clause.tiers[tier].rate)
        value = max(0, cur * k - base_sum) * rate / k
        return True, half_up(value.numerator, value.denominator)

    # ------------------------------------------------------------ allocation
    def settle(self) -> dict[tuple, dict]:
        policies = self.catalog.policies
        porder = {p.id: i for i, p in enumerate(policies)}
        corder = {(p.id, c.id): j for p in policies for j, c in enumerate(p.clauses)}
        lines: list[Line] = []
        for policy in policies:
            in_force = policy.in_force(self.year)
            for clause in policy.clauses:
                if clause.application or clause.kind in ("none", "external"):
                    lines += self.application_lines(policy, clause, in_force)
                elif in_force:
                    lines += self.data_lines(policy, clause)
        lines.sort(
            key=lambda ln: (
                porder[ln.policy_id],
                corder[(ln.policy_id, ln.clause_id)],
                ln.payee,
                ln.subject,
                ln.park_id,
            )
        )

        # cap groups: a payee's lines of the group share the cap (largest remainder)
        for policy in policies:
            for group in policy.cap_groups:
                by_payee: dict[str, list[Line]] = {}
                for ln in lines:
                    if (
                        ln.policy_id == policy.id
                        and ln.clause_id in group.clauses
                        and ln.status == "candidate"
                    ):
                        by_payee.setdefault(ln.payee, []).append(ln)
                for members in by_payee.values():
                    if sum(ln.capped for ln in members) > int(group.cap):
                        members.sort(key=lambda ln: (corder[(ln.policy_id, ln.clause_id)], ln.subject))
                        shares = largest_remainder(
                            [ln.capped for ln in members],
                            int(group.cap),
                            [(corder[(ln.policy_id, ln.clause_id)],) for ln in members],
                        )
                        for ln, s in zip(members, shares, strict=True):
                            ln.capped = s
        for ln in lines:
            if ln.status == "candidate" and ln.capped <= 0:
                ln.status = "zero"

        # no double benefit: per (payee, matter, subject[, park of a park-total award]) the highest
        park_total = {(p.id, c.id) for p in policies for c in p.clauses if c.payee == "park"}
        best: dict[tuple, Line] = {}
        for ln in lines:
            if ln.status != "candidate":
                continue
            kpark = (
                ln.park_id if (ln.policy_id, ln.clause_id) in park_total and ln.payee == ln.subject else ""
            )
            key = (ln.payee, ln.matter, ln.subject, kpark)
            cur = best.get(key)
            rank = (-ln.capped, porder[ln.policy_id], corder[(ln.policy_id, ln.clause_id)])
            if cur is None or rank < (
                -cur.capped,
                porder[cur.policy_id],
                corder[(cur.policy_id, cur.clause_id)],
            ):
                if cur is not None:
                    cur.status = "superseded"
                best[key] = ln
            else:
                ln.status = "superseded"

        # budget scale-down per policy
        for ln in lines:
            ln.final = ln.capped if ln.status == "candidate" else 0
        for policy in policies:
            if not policy.budget.scale_down:
                continue
            budget = next(
                (
                    int(b["budget"])
                    for b in self.budgets
                    if b["policy_id"] == policy.id and int(b["year"]) == self.year
                ),
                None,
            )
            if budget is None and policy.budget.default is not None:
                budget = int(policy.budget.default)
            if budget is None:
                continue
            kept = [ln for ln in lines if ln.policy_id == policy.id and ln.status == "candidate"]
            if sum(ln.capped for ln in kept) > budget:
                shares = largest_remainder(
                    [ln.capped for ln in kept],
                    budget,
                    [(ln.payee, corder[(ln.policy_id, ln.clause_id)], ln.subject) for ln in kept],
                )
                for ln, s in zip(kept, shares, strict=True):
                    ln.final = s

        # funding: the clause's city share, else the policy's for the payee's region
        for ln in lines:
            policy = self.catalog.policy(ln.policy_id)
            clause = policy.clause(ln.clause_id)
            share = (
                Fraction(clause.city_share)
                if clause.city_share is not None
                else Fraction(
                    policy.funding.by_region.get(self.region(ln.payee) or "", policy.funding.city_share)
                )
            )
            ln.city = half_up(ln.final * share.numerator, share.denominator)
            ln.district = ln.final - ln.city
            if ln.status == "candidate":
                ln.status = "paid" if ln.final > 0 else "zero"
        return {
            ln.key: {
                "status": ln.status,
                "capped": ln.capped,
                "final": ln.final,
                "city": ln.city,
                "district": ln.district,
            }
            for ln in lines
        }


def largest_remainder(amounts: list[int], target: int, tie_keys: list[tuple]) -> list[int]:
    """Shares of ``target`` proportional to ``amounts``, floors first, then one fen each to the
    largest remainders (ties: ``tie_keys``, then position)."""
    total = sum(amounts)
    if total == 0:
        return [0] * len(amounts)
    shares = [a * target // total for a in amounts]
    left = target - sum(shares)
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] * target % total), tie_keys[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def settle(ctx) -> dict[tuple, dict]:
    """Every line of the year (key -> status and amounts), computed row by row."""
    return Reference(ctx).settle()


def engine_result(lines) -> dict[tuple, dict]:
    """The engine's allocated lines in the reference's shape."""
    out = {}
    for r in lines[
        [
            "payee_uscc",
            "subject_uscc",
            "park_id",
            "policy_id",
            "clause_id",
            "status",
            "capped_amount",
            "final_amount",
            "city_share",
            "district_share",
        ]
    ].itertuples(index=False):
        out[(r.payee_uscc, r.subject_uscc, r.park_id, r.policy_id, r.clause_id)] = {
            "status": r.status,
            "capped": int(r.capped_amount),
            "final": int(r.final_amount),
            "city": int(r.city_share),
            "district": int(r.district_share),
        }
    return out


def differences(engine: dict, reference: dict, limit: int = 10) -> list[str]:
    """Human-readable differences (empty when both agree on every line)."""
    out = []
    for key in sorted(set(engine) | set(reference)):
        a, b = engine.get(key), reference.get(key)
        if a != b:
            out.append(f"{key}: engine={a} reference={b}")
            if len(out) >= limit:
                break
    return out
