"""Benchmark at province scale: every stage of a settlement, timed, at 10k, 100k and 1M
enterprise-years, against the plain per-row reference (``tests/reference_engine.py``).

    python tests/bench/bench_scale.py [--sizes 10000,100000,1000000] [--no-reference-above N]

A size is enterprises x 5 years of statistics (the settlement year and four before it), with
all five policies, parks, prior awards and applications from about 1% of each policy's
enterprises per clause. Each size runs in a process of its own, so that its peak memory
(maximum resident set size) is its own. Stages:

    generate   the synthetic landing folder (not part of a run)
    ingest     read the seven landing files
    validate   every check and the GX suites (Data Docs off), quarantine, report workbook
    load       the clean rows into a fresh SQLite ledger (executemany batches)
    load_pg    the same into a fresh PostgreSQL schema (when the server answers)
    read       the year's data from the ledger (and its facts)
    facts      the year's facts again, on their own: growth, averages, park sums, USD
    compute    every clause of every policy
    allocate   caps, no double benefit, scale-down, funding
    record     the run and its lines into the ledger
    publicity  the publicity list (xlsx)
    disburse   the disbursement list (xlsx)
    prospects  可申报未申报名单: every application clause's data conditions over every enterprise,
               and the list as xlsx and csv (what ``settlement prospects`` does after reading)
    reference  the per-row reference on the same context (and the comparison)
    reference_e2e  the end-to-end per-row script on the same landing folder (tests/bench/reference_run.py:
               csv and openpyxl, cell by cell, reference_engine, awards.csv), compared line by line
    run        the whole ``settlement run`` on a fresh ledger, end to end
    rerun      ``settlement run`` again on the same inputs, ledger and output folder (the run is reused)
    run_pg     the whole ``settlement run`` on a fresh PostgreSQL schema (when the server answers); its
               awards.csv must be byte-identical to the SQLite run's

Besides the sizes: ``settlement --help``, the whole run on the demo landing folder (best of
three), and ``import great_expectations`` alone (best of three), the least any validating run waits.

"compute+allocate" below is facts + compute + allocate: the same work the reference does
(it derives its own facts). Prints a table and writes ``out/bench/scale.json`` and
``out/bench/scale.md``; exits 1 when the engine and the reference differ on any line at any
size, and (with ``--strict``) when a target is missed; each check is printed with its figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
YEAR = 2025
HISTORY = 4  # years of statistics before the settlement year: 5 in all
APPLICATION_SHARE = 0.01
PG_BASE = os.environ.get("SETTLEMENT_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")
STAGES = [
    "ingest",
    "validate",
    "load",
    "load_pg",
    "read",
    "facts",
    "compute",
    "allocate",
    "record",
    "publicity",
    "disburse",
    "prospects",
    "reference",
    "reference_e2e",
    "run",
    "rerun",
    "run_pg",
]
TARGETS = {
    "compute_allocate_1m_s": 10.0,
    "run_1m_s": 20.0,
    "run_pg_1m_s": 25.0,
    "run_100k_s": 4.0,
    "run_demo_s": 3.0,
    "peak_rss_1m_gib": 2.0,
    "excel_rows_per_s": 10_000,
    "reference_ratio_1m": 50.0,
    "rerun_1m_s": 5.0,
    "help_s": 0.5,
}


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class Clock:
    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.peak: dict[str, float] = {}

    def stage(self, name: str, fn, *args, **kwargs):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        self.seconds[name] = time.perf_counter() - t
        self.peak[name] = _rss_mib()
        print(f"  {name:<10} {self.seconds[name]:8.2f} s   peak {self.peak[name]:7.0f} MiB", flush=True)
        return out


def _pg_url():
    """A fresh schema in the test database, or None when PostgreSQL does not answer."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_BASE)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        return f"{PG_BASE}?options=-csearch_path%3D{schema}", lambda: _drop(engine, schema)
    except Exception as exc:  # noqa: BLE001 - any connection problem means: no PostgreSQL here
        print(f"  (PostgreSQL not reachable, load_pg skipped: {type(exc).__name__})")
        return None, lambda: None


def _drop(engine, schema: str) -> None:
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _spec(enterprise_years: int, landing: Path):
    from settlement.demo import DemoSpec

    return DemoSpec(
        out=landing,
        years=(YEAR, YEAR),
        enterprises=enterprise_years // (HISTORY + 1),
        seed=enterprise_years,
        history=HISTORY,
        application_share=APPLICATION_SHARE,
        only_last_year=True,
    )


def _in_child(
    cmd: list[str], env: dict | None = None, quiet: bool = False, tree: dict | None = None
) -> tuple[float, float]:
    """Run ``cmd`` in a process of its own: (seconds, its peak resident memory in MiB: the
    largest of it and the processes it started). ``tree``: filled with ``peak_mib``, the most
    resident memory it and its processes (settlement run's validating process) held together,
    sampled every 50 ms."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL if quiet else None
    )
    if tree is not None:
        import threading

        threading.Thread(target=_sample_tree, args=(proc.pid, tree), daemon=True).start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{cmd[:3]}... failed with exit status {proc.returncode}")
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def one_size(enterprise_years: int, landing: Path, work: Path, reference: bool) -> dict:
    """The stages one by one, in this process, on a landing folder generated beforehand."""
    os.environ["SETTLEMENT_DATA_DOCS"] = "0"
    from reference_engine import differences, engine_result, settle

    from settlement import stages as pipeline
    from settlement.allocation import allocate
    from settlement.config import load_settings
    from settlement.engine.context import YearContext
    from settlement.engine.evaluate import evaluate_year
    from settlement.ledger import make_engine, migrate, store
    from settlement.policies import load_catalog
    from settlement.reports.disbursement import write_disbursement
    from settlement.reports.publicity import write_publicity
    from settlement.reports.runinfo import RunInfo
    from settlement.stages import year_context

    enterprises = enterprise_years // (HISTORY + 1)
    catalog = load_catalog()
    clock = Clock()
    data = clock.stage("ingest", pipeline.ingest, YEAR, landing)
    result, _ = clock.stage("validate", pipeline.validate, data, catalog, work / "out" / str(YEAR), False)
    files = {k: t.file_name for k, t in data.tables.items()}

    def load(url):
        engine = make_engine(url)
        migrate(engine)
        with engine.begin() as conn:
            return store.load_clean(conn, YEAR, result.clean, files, result.problems, data.hashes)

    db = f"sqlite:///{work / 'ledger.db'}"
    clock.stage("load", load, db)
    pg, drop = _pg_url()
    if pg:
        try:
            clock.stage("load_pg", load, pg)
        finally:
            drop()
    engine = make_engine(db)
    with engine.connect() as conn:
        ctx = clock.stage("read", year_context, conn, YEAR, catalog)
    frames = {
        k: getattr(ctx, k)
        for k in ("enterprises", "stats", "applications", "parks", "fx_rates", "budgets", "paid")
    }
    ctx = clock.stage("facts", lambda: YearContext(year=YEAR, catalog=catalog, **frames))
    lines = clock.stage("compute", evaluate_year, ctx)
    allocation = clock.stage("allocate", lambda: allocate(lines, ctx))
    final = pipeline.decorate(allocation.lines, ctx.enterprises)

    def record():
        with engine.begin() as conn:
            return store.save_draft(
                conn,
                "bench",
                YEAR,
                final,
                {"inputs": data.hashes, "policies": catalog.sha256, "code_version": "bench"},
            )

    clock.stage("record", record)
    out = work / "xlsx"
    out.mkdir(exist_ok=True)
    run = RunInfo(YEAR, "bench", "final", "bench", ("2026-03-02", "2026-03-06"), "2026-03-16")
    clock.stage(
        "publicity",
        write_publicity,
        out / "publicity.xlsx",
        YEAR,
        final,
        catalog,
        load_settings(),
        run,
        pipeline.fixed_time(YEAR),
    )
    clock.stage(
        "disburse",
        write_disbursement,
        out / "disbursement.xlsx",
        YEAR,
        final[final["status"] == "paid"],
        ctx.enterprises,
        catalog,
        load_settings(),
        run,
        pipeline.fixed_time(YEAR),
    )

    def prospects():
        from settlement.engine.prospects import prospects as find_prospects
        from settlement.reports.prospects import write_prospects_csv, write_prospects_xlsx

        frame, skipped = find_prospects(ctx)
        write_prospects_xlsx(
            out / "prospects.xlsx", YEAR, frame, load_settings(), "bench", pipeline.fixed_time(YEAR), skipped
        )
        write_prospects_csv(out / "prospects.csv", frame)
        return len(frame)

    prospect_rows = clock.stage("prospects", prospects)
    paid = int((final["status"] == "paid").sum())
    from openpyxl import load_workbook

    rows_written: dict[str, int] = {}
    for book in ("publicity", "disbursement"):  # rows written, over all sheets
        wb = load_workbook(out / f"{book}.xlsx", read_only=True)
        figures_rows = sum(sum(1 for _ in ws.iter_rows(values_only=True)) for ws in wb.worksheets)
        wb.close()
        rows_written[book] = figures_rows
    figures = {
        "enterprise_years": enterprise_years,
        "enterprises": enterprises,
        "stats_rows": int(len(ctx.stats)),
        "applications": int(len(ctx.applications)),
        "lines": int(len(final)),
        "paid_lines": paid,
        "quarantined_rows": int(sum(result.quarantined_rows.values())),
        "xlsx_rows": rows_written,
        "prospects": prospect_rows,
    }
    if reference:
        ref = clock.stage("reference", settle, ctx)
        diff = differences(engine_result(allocation.lines), ref)
        figures["reference_equal"] = not diff
        figures["reference_lines"] = len(ref)
        if diff:
            print("  ENGINE AND REFERENCE DIFFER:\n    " + "\n    ".join(diff))
        from reference_run import run as reference_run

        e2e, _ = clock.stage(
            "reference_e2e", reference_run, landing / str(YEAR), YEAR, work / "reference_awards.csv"
        )
        diff = differences(engine_result(allocation.lines), e2e)
        figures["e2e_equal"] = not diff
        figures["e2e_lines"] = len(e2e)
        if diff:
            print("  SETTLEMENT RUN AND THE END-TO-END REFERENCE DIFFER:\n    " + "\n    ".join(diff))
    figures["seconds"] = {k: round(v, 3) for k, v in clock.seconds.items()}
    figures["peak_rss_mib"] = {k: round(v, 1) for k, v in clock.peak.items()}
    return figures


def _child(enterprise_years: int, landing: Path, reference: bool, out_json: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="settlement-bench-") as tmp:
        figures = one_size(enterprise_years, landing, Path(tmp), reference)
    out_json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


def measure(size: int, reference: bool) -> dict:
    """One size: generate, the stages, and the whole run, each in a process of its own started
    from this small one (Linux carries the parent's peak memory into a child's)."""
    env = {"GX_ANALYTICS_ENABLED": "false", "SETTLEMENT_DATA_DOCS": "0"}
    with tempfile.TemporaryDirectory(prefix="settlement-bench-") as tmp:
        tmp = Path(tmp)
        landing = tmp / "landing"
        print(
            f"{size:,} enterprise-years ({size // (HISTORY + 1):,} enterprises x {HISTORY + 1} years)",
            flush=True,
        )
        gen_s, gen_peak = _in_child([sys.executable, __file__, "--generate", str(size), str(landing)], env)
        print(f"  {'generate':<10} {gen_s:8.2f} s   peak {gen_peak:7.0f} MiB (own process)", flush=True)
        part = tmp / "stages.json"
        _, stages_peak = _in_child(
            [
                sys.executable,
                __file__,
                "--child",
                str(size),
                "--child-landing",
                str(landing),
                "--child-json",
                str(part),
                "--child-reference",
                str(int(reference)),
            ],
            env,
        )
        r = json.loads(part.read_text(encoding="utf-8"))
        binary = Path(sys.executable).parent / "settlement"
        run_cmd = [
            str(binary),
            "run",
            "--year",
            str(YEAR),
            "--landing",
            str(landing),
            "--out",
            str(tmp / "run"),
            "--db",
            f"sqlite:///{tmp / 'run.db'}",
        ]
        tree: dict = {}
        run_s, run_peak = _in_child(run_cmd, env, quiet=True, tree=tree)
        print(
            f"  {'run':<10} {run_s:8.2f} s   peak {run_peak:7.0f} MiB (settlement run, own process;"
            f" {tree['peak_mib']:.0f} MiB with its validating process, sampled)",
            flush=True,
        )
        rerun_s, rerun_peak = _in_child(run_cmd, env, quiet=True)  # the same inputs: the run is reused
        print(
            f"  {'rerun':<10} {rerun_s:8.2f} s   peak {rerun_peak:7.0f} MiB (again, unchanged inputs)",
            flush=True,
        )
        run_pg_s, pg_same = _run_on_postgresql(run_cmd, tmp, env)
    r["seconds"] = {
        "generate": round(gen_s, 3),
        **r["seconds"],
        "run": round(run_s, 3),
        "rerun": round(rerun_s, 3),
        **({"run_pg": round(run_pg_s, 3)} if run_pg_s is not None else {}),
    }
    if pg_same is not None:
        r["pg_awards_equal"] = pg_same
    r["peak_rss_mib"] = {
        "generate": round(gen_peak, 1),
        **r["peak_rss_mib"],
        "run": round(run_peak, 1),
        "rerun": round(rerun_peak, 1),
    }
    r["max_rss_mib"] = round(run_peak, 1)  # the whole settlement run
    r["tree_rss_mib"] = round(tree["peak_mib"], 1)  # with its validating process, together
    r["stages_rss_mib"] = round(stages_peak, 1)
    return r


def _sample_tree(pid: int, tree: dict) -> None:
    """The most resident memory (MiB) process ``pid`` and its descendants hold together, until
    it ends (Linux /proc)."""
    tree["peak_mib"] = 0.0
    while True:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        if pid not in parents:
            return
        members, todo = [], [pid]
        while todo:
            member = todo.pop()
            members.append(member)
            todo += [child for child, parent in parents.items() if parent == member]
        total = 0
        for member in members:
            try:
                for line in Path(f"/proc/{member}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        tree["peak_mib"] = max(tree["peak_mib"], total / 1024)
        time.sleep(0.05)


def _run_on_postgresql(run_cmd: list[str], tmp: Path, env: dict) -> tuple[float | None, bool | None]:
    """The same ``settlement run`` on a fresh PostgreSQL schema, in a process of its own:
    (seconds, whether its awards.csv is the very bytes of the SQLite run's); (None, None) when
    PostgreSQL does not answer."""
    pg, drop = _pg_url()
    if not pg:
        return None, None
    try:
        seconds, _ = _in_child([*run_cmd[:-4], "--out", str(tmp / "run_pg"), "--db", pg], env, quiet=True)
    finally:
        drop()
    awards = [(tmp / folder / str(YEAR) / "awards.csv").read_bytes() for folder in ("run", "run_pg")]
    same = awards[0] == awards[1]
    print(
        f"  {'run_pg':<10} {seconds:8.2f} s   (settlement run on PostgreSQL; awards.csv the same bytes"
        f" as on SQLite: {same})",
        flush=True,
    )
    return seconds, same


def _startup_seconds() -> float:
    """``settlement --help`` in a process of its own, best of five (start-up: imports only)."""
    binary = Path(sys.executable).parent / "settlement"
    return min(_in_child([str(binary), "--help"], quiet=True)[0] for _ in range(5))


def _demo_run_seconds(tmp: Path) -> float:
    """``settlement run`` on the demo landing folder (300 enterprises, 2022-2025), each time on a
    fresh ledger and output folder, in a process of its own: best of three."""
    binary = str(Path(sys.executable).parent / "settlement")
    _in_child([binary, "demo-data", "--out", str(tmp / "landing")], quiet=True)
    times = []
    for k in range(3):
        cmd = [binary, "run", "--year", str(YEAR), "--landing", str(tmp / "landing"), "--out"]
        cmd += [str(tmp / f"out{k}"), "--db", f"sqlite:///{tmp / f'demo{k}.db'}"]
        times.append(_in_child(cmd, quiet=True)[0])
    return min(times)


def _gx_import_seconds() -> float:
    """``import great_expectations`` alone, in a process of its own, best of three: the least
    any run that validates with Great Expectations waits for its suites."""
    cmd = [sys.executable, "-c", "import great_expectations"]
    return min(_in_child(cmd, {"GX_ANALYTICS_ENABLED": "false"}, quiet=True)[0] for _ in range(3))


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )


def table(results: list[dict]) -> tuple[list[str], list[list[str]]]:
    headers = (
        ["stage"]
        + [f"{r['enterprise_years']:,} s" for r in results]
        + [f"{r['enterprise_years']:,} µs/ey" for r in results]
    )
    rows = []
    for stage in ["generate"] + STAGES:
        if not any(stage in r["seconds"] for r in results):
            continue
        secs = [f"{r['seconds'][stage]:.2f}" if stage in r["seconds"] else "–" for r in results]
        per = [
            f"{r['seconds'][stage] / r['enterprise_years'] * 1e6:.1f}" if stage in r["seconds"] else "–"
            for r in results
        ]
        rows.append([stage] + secs + per)
    rows.append(
        ["compute+allocate"]
        + [f"{r['compute_allocate_s']:.2f}" for r in results]
        + [f"{r['compute_allocate_s'] / r['enterprise_years'] * 1e6:.1f}" for r in results]
    )
    rows.append(
        ["peak RSS, settlement run (MiB)"]
        + [f"{r['max_rss_mib']:.0f}" for r in results]
        + [""] * len(results)
    )
    rows.append(
        ["peak RSS, settlement run + validating process together, sampled (MiB)"]
        + [f"{r['tree_rss_mib']:.0f}" for r in results]
        + [""] * len(results)
    )
    rows.append(
        ["peak RSS, stages above (MiB)"]
        + [f"{r['stages_rss_mib']:.0f}" for r in results]
        + [""] * len(results)
    )
    return headers, rows


def markdown(results: list[dict], meta: dict) -> str:
    headers, rows = table(results)
    out = [
        f"# Benchmark ({meta['date']}, {meta['machine']})",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
    ]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += [
        "",
        (
            "| size | stats rows | lines | paid | reference equal | reference / engine (compute+allocate) |"
            " publicity rows/s (rows) | disbursement rows/s (rows) | prospects listed | per-row script /"
            " settlement run (same lines) |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        out.append(
            f"| {r['enterprise_years']:,} | {r['stats_rows']:,} | {r['lines']:,} | {r['paid_lines']:,} |"
            f" {r.get('reference_equal', '–')} | {r.get('reference_ratio', '–')}x |"
            f" {r['publicity_rows_per_s']:,} ({r['xlsx_rows']['publicity']:,}) |"
            f" {r['disbursement_rows_per_s']:,} ({r['xlsx_rows']['disbursement']:,}) |"
            f" {r.get('prospects', 0):,} | "
            + (
                f"{r['seconds']['reference_e2e']:.1f} s / {r['seconds']['run']:.1f} s ({r['e2e_equal']})"
                if "e2e_equal" in r
                else "–"
            )
            + " |"
        )
    out += ["", "Targets: " + ", ".join(f"{k} {v}" for k, v in TARGETS.items()), ""]
    out += [f"- {c}" for c in meta["checks"]]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--no-reference-above", type=int, default=10**9, help="skip the per-row reference above this size"
    )
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a target is missed (engine and reference differing always does)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-json", help=argparse.SUPPRESS)
    parser.add_argument("--child-landing", help=argparse.SUPPRESS)
    parser.add_argument("--child-reference", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        from settlement.demo import write

        write(_spec(int(args.generate[0]), Path(args.generate[1])))
        return 0
    if args.child:
        _child(args.child, Path(args.child_landing), bool(args.child_reference), Path(args.child_json))
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        r = measure(size, size <= args.no_reference_above)
        s = r["seconds"]
        r["compute_allocate_s"] = round(s["facts"] + s["compute"] + s["allocate"], 3)
        if "reference" in s:
            r["reference_ratio"] = round(s["reference"] / r["compute_allocate_s"], 1)
        r["publicity_rows_per_s"] = int(r["xlsx_rows"]["publicity"] / s["publicity"])
        r["disbursement_rows_per_s"] = int(r["xlsx_rows"]["disbursement"] / s["disburse"])
        results.append(r)
    checks = []
    ok = True
    startup = _startup_seconds()
    good = startup < TARGETS["help_s"]
    checks.append(
        f"settlement --help (start-up, best of 5): {startup:.2f} s (target < {TARGETS['help_s']} s): {good}"
    )
    ok &= good
    floor = _gx_import_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        demo = _demo_run_seconds(Path(tmp))
    good = demo <= TARGETS["run_demo_s"]
    checks.append(
        f"demo (300 enterprises): whole settlement run {demo:.1f} s, best of 3 (target ≤"
        f" {TARGETS['run_demo_s']:.0f} s): {good}"
    )
    checks.append(
        f"import great_expectations alone, best of 3: {floor:.1f} s (a run that validates waits at least"
        " this long for its suites)"
    )
    for r in results:
        n = r["enterprise_years"]
        if "reference_equal" in r:
            checks.append(
                f"{n:,}: engine equals the per-row reference on all {r['reference_lines']:,} lines:"
                f" {r['reference_equal']}"
            )
            ok &= r["reference_equal"]
        if "e2e_equal" in r:
            checks.append(
                f"{n:,}: settlement run equals the end-to-end per-row script on all {r['e2e_lines']:,} lines:"
                f" {r['e2e_equal']}"
            )
            ok &= r["e2e_equal"]
            if n >= 100_000:
                ratio = r["seconds"]["reference_e2e"] / r["seconds"]["run"]
                checks.append(
                    f"{n:,}: whole settlement run {r['seconds']['run']:.1f} s against the end-to-end per-row"
                    f" script {r['seconds']['reference_e2e']:.1f} s: {ratio:.2f}x (target ≥ 4x): {ratio >= 4}"
                )
        if (
            n == 1_000_000 and "reference_ratio" in r
        ):  # the target is stated for 1M; smaller sizes are shown in the table
            good = r["reference_ratio"] >= TARGETS["reference_ratio_1m"]
            checks.append(
                f"1,000,000: compute+allocate {r['reference_ratio']}x faster than the reference (target ≥"
                f" {TARGETS['reference_ratio_1m']:.0f}x): {good}"
            )
            ok &= good
        if n == 1_000_000:
            good = r["compute_allocate_s"] < TARGETS["compute_allocate_1m_s"]
            checks.append(
                f"1,000,000: compute+allocate {r['compute_allocate_s']:.2f} s (target < 10 s): {good}"
            )
            ok &= good
            good = r["max_rss_mib"] / 1024 <= TARGETS["peak_rss_1m_gib"]
            checks.append(
                f"1,000,000: peak memory of settlement run {r['max_rss_mib'] / 1024:.2f} GiB (target ≤"
                f" {TARGETS['peak_rss_1m_gib']:.0f} GiB): {good}"
            )
            ok &= good
        if "pg_awards_equal" in r:
            checks.append(
                f"{n:,}: settlement run on PostgreSQL {r['seconds']['run_pg']:.1f} s, awards.csv the same"
                f" bytes as on SQLite: {r['pg_awards_equal']}"
            )
            ok &= r["pg_awards_equal"]
        if n >= 1_000_000 and "rerun" in r["seconds"]:
            good = r["seconds"]["rerun"] <= TARGETS["rerun_1m_s"]
            checks.append(
                f"{n:,}: settlement run again on unchanged inputs {r['seconds']['rerun']:.1f} s"
                f" (target ≤ {TARGETS['rerun_1m_s']:.0f} s): {good}"
            )
            ok &= good
        if n == 100_000:
            good = r["seconds"]["run"] <= TARGETS["run_100k_s"]
            checks.append(
                f"100,000: whole settlement run {r['seconds']['run']:.1f} s (target ≤"
                f" {TARGETS['run_100k_s']:.0f} s): {good}"
            )
        if n == 1_000_000:
            good = r["seconds"]["run"] <= TARGETS["run_1m_s"]
            checks.append(
                f"1,000,000: whole settlement run {r['seconds']['run']:.1f} s (target ≤"
                f" {TARGETS['run_1m_s']:.0f} s): {good}"
            )
            if "run_pg" in r["seconds"]:
                good = r["seconds"]["run_pg"] <= TARGETS["run_pg_1m_s"]
                checks.append(
                    f"1,000,000: whole settlement run on PostgreSQL {r['seconds']['run_pg']:.1f} s (target ≤"
                    f" {TARGETS['run_pg_1m_s']:.0f} s): {good}"
                )
    big = [r for r in results if r["enterprise_years"] >= 100_000]
    for small, large in zip(big, big[1:], strict=False):
        faster = []
        for stage in STAGES:
            if stage in small["seconds"] and stage in large["seconds"]:
                a = small["seconds"][stage] / small["enterprise_years"]
                b = large["seconds"][stage] / large["enterprise_years"]
                if b > 1.5 * a:
                    faster.append(f"{stage} {a * 1e6:.1f} → {b * 1e6:.1f} µs")
        checks.append(
            f"{small['enterprise_years']:,} → {large['enterprise_years']:,}: no stage grows faster than"
            f" linearly (time per enterprise-year at most 1.5x){' — ' + ', '.join(faster) if faster else ''}:"
            f" {not faster}"
        )
        ok &= not faster
    for r in results:
        good = (
            min(r["publicity_rows_per_s"], r["disbursement_rows_per_s"]) >= TARGETS["excel_rows_per_s"]
            or r["paid_lines"] < 20_000
        )
        if r["paid_lines"] >= 20_000:  # smaller lists are dominated by fixed costs
            checks.append(
                f"{r['enterprise_years']:,}: Excel {r['publicity_rows_per_s']:,} (publicity) and"
                f" {r['disbursement_rows_per_s']:,} (disbursement) rows/s (target ≥ 10,000): {good}"
            )
        ok &= good
    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": _machine(), "checks": checks}
    (out / "scale.json").write_text(
        json.dumps({"meta": meta, "targets": TARGETS, "results": results}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    md = markdown(results, meta)
    (out / "scale.md").write_text(md, encoding="utf-8")
    print()
    print(md)
    print(f"written: {out / 'scale.json'}, {out / 'scale.md'}")
    missed = [c for c in checks if c.endswith(": False")]
    if missed:
        print("TARGETS MISSED:\n  " + "\n  ".join(missed))
    if not all(r.get("reference_equal", True) and r.get("e2e_equal", True) for r in results):
        return 1
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
