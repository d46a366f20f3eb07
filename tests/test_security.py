"""Security: data is never code, SQL is never built from data, files are read only from the
landing folder, passwords never leave the process, bank data never reaches the public list,
and no workbook cell is ever a formula.

(Links out of the landing folder, and SQL or formulas in names, are also exercised with the
malformed-file corpus in tests/test_bad_inputs.py.)
"""

from __future__ import annotations

import ast
import getpass
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
CODE = sorted([*ROOT.joinpath("settlement").rglob("*.py"), *ROOT.joinpath("dags").glob("*.py")])

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRS = {
    ("pickle", "load"),
    ("pickle", "loads"),
    ("marshal", "loads"),
    ("yaml", "load"),
    ("yaml", "unsafe_load"),
    ("yaml", "full_load"),
    ("os", "system"),
    ("os", "popen"),
}


def dangerous_calls(source: str, name: str = "<code>") -> list[str]:
    """Calls that would run data as code (or through a shell), and SQL text built from values."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        if isinstance(fn, ast.Name) and fn.id in FORBIDDEN_CALLS:
            found.append(f"{name}:{node.lineno} {fn.id}()")
        if (
            isinstance(fn, ast.Attribute)
            and isinstance(fn.value, ast.Name)
            and (fn.value.id, fn.attr) in FORBIDDEN_ATTRS
        ):
            found.append(f"{name}:{node.lineno} {fn.value.id}.{fn.attr}()")
        if any(
            k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        ):
            found.append(f"{name}:{node.lineno} shell=True")
        # sqlalchemy.text(...) / exec_driver_sql(...) with anything but a constant string
        is_sql = (isinstance(fn, ast.Name) and fn.id == "text") or (
            isinstance(fn, ast.Attribute) and fn.attr in ("text", "exec_driver_sql")
        )
        if is_sql and node.args and not isinstance(node.args[0], ast.Constant):
            found.append(f"{name}:{node.lineno} SQL text built at run time")
    return found


def test_the_checker_finds_what_it_looks_for():
    sample = (
        "eval(x)\nexec(y)\nimport pickle\npickle.loads(b)\nyaml.load(s)\nsubprocess.run(c,"
        ' shell=True)\nconn.execute(text(f"select {v}"))\n'
    )
    assert len(dangerous_calls(sample)) == 6
    assert dangerous_calls('conn.execute(text("select 1 where a = :a"), {"a": v})\nyaml.safe_load(s)\n') == []


# SQL that is not a constant string in the code, each with why it is not data: the only entry is
# settlement pull's query files (sql/pull/<table>.sql), which are the bureau's configuration, as
# the spec says ("a bureau edits the SQL, not Python"), run with the year as a bound parameter.
TRUSTED_SQL = {"settlement/pull/database.py": 1}


def test_no_data_is_ever_run_as_code_and_sql_only_with_bound_parameters():
    found = [
        hit
        for path in CODE
        for hit in dangerous_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    for name, allowed in TRUSTED_SQL.items():
        mine = [
            hit for hit in found if hit.startswith(name + ":") and hit.endswith("SQL text built at run time")
        ]
        assert len(mine) == allowed, mine
        found = [hit for hit in found if hit not in mine]
    assert found == []


def test_a_policy_file_with_a_python_object_tag_is_refused_without_running_it(tmp_path):
    from settlement.policies.loader import PolicyLoadError, load_policy_file

    marker = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(f'id: evil\nx: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(PolicyLoadError, match="YAML"):
        load_policy_file(path)
    assert not marker.exists()


def test_settings_are_read_with_the_safe_loader(tmp_path):
    from settlement.config import load_settings

    marker = tmp_path / "ran"
    path = tmp_path / "settlement.yaml"
    path.write_text(f'bureau: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; what matters is that nothing ran
        load_settings(path)
    assert not marker.exists()


# ------------------------------------------------------------------------------ passwords

SECRET = "S3cret-pw-4471"


@pytest.mark.postgres
def test_the_database_password_is_never_printed_logged_or_written(pg_url, demo_landing, tmp_path):
    """PostgreSQL here trusts local connections, so a URL with a password connects; the password
    must not appear in anything the run prints or writes (files, manifest, ledger rows)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from settlement.ledger import make_engine

    url = make_url(pg_url)
    url = url.set(username=url.username or getpass.getuser(), password=SECRET).render_as_string(
        hide_password=False
    )
    binary = Path(sys.executable).parent / "settlement"
    env = {**os.environ, "SETTLEMENT_DATA_DOCS": "0", "SETTLEMENT_DB_URL": url}
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(binary), "run", "--year", "2025", "--landing", str(demo_landing), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    with make_engine(url).connect() as conn:
        for table in ("settlement_runs", "award_lines", "quarantine"):
            rows = conn.execute(text(f"select * from {table}")).all()  # noqa: S608 - fixed table names
            assert SECRET not in repr(rows)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://bureau:{SECRET}@127.0.0.1:1/ledger?connect_timeout=2",  # nobody listens
        f"postgresql+psycopg//bureau:{SECRET}@127.0.0.1/ledger",  # a typo: the URL cannot be parsed
        f"postgresql+psycopg://bureau:{SECRET}@127.0.0.1:port/ledger",  # a bad port
        f"mysql://bureau:{SECRET}@127.0.0.1/ledger",  # not a database the ledger runs on
    ],
)
def test_a_database_that_cannot_be_used_is_reported_without_the_password(url, demo_landing, tmp_path):
    binary = Path(sys.executable).parent / "settlement"
    for args in (["--db", url], []):
        env = {**os.environ, "SETTLEMENT_DATA_DOCS": "0", **({} if args else {"SETTLEMENT_DB_URL": url})}
        proc = subprocess.run(
            [
                str(binary),
                "run",
                "--year",
                "2025",
                "--landing",
                str(demo_landing),
                "--out",
                str(tmp_path / "out"),
                *args,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 1
        assert "数据库" in proc.stderr and "Traceback" not in proc.stderr
        assert SECRET not in proc.stdout + proc.stderr


def test_scrub_hides_passwords_in_urls_and_settings():
    from settlement.ledger.db import scrub

    text = f"postgresql+psycopg://bureau:{SECRET}@db/x and host=db password={SECRET} user=x"
    assert SECRET not in scrub(text)
    assert "postgresql+psycopg://bureau:***@db/x" in scrub(text)


# ----------------------------------------------------------------------------- workbooks


def test_no_workbook_cell_is_a_formula(final_year):
    _, out, _ = final_year
    books = sorted(out.glob("*.xlsx"))
    assert {p.name for p in books} >= {
        "publicity_2025.xlsx",
        "disbursement_2025.xlsx",
        "validation_2025.xlsx",
    }
    seen_formula_text = False
    for path in books:
        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name}!{cell.coordinate} is a formula: {cell.value}"
                    seen_formula_text |= isinstance(cell.value, str) and cell.value.startswith("=")
    assert seen_formula_text  # the planted texts are there, as text


def test_the_publicity_list_carries_no_bank_data(final_year):
    import pandas as pd

    _, out, _ = final_year
    ents = pd.read_csv(out.parents[1] / "landing" / "2025" / "enterprises.csv", encoding="gb18030", dtype=str)
    accounts = set(ents["银行账号"].dropna())
    banks = set(ents["开户银行"].dropna())
    wb = load_workbook(out / "publicity_2025.xlsx")
    texts = {
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    }
    assert not any("银行" in t or "账号" in t or "账户" in t for t in texts)
    assert not texts & accounts and not texts & banks
    # the disbursement list (for finance officers) does carry them
    wb = load_workbook(out / "disbursement_2025.xlsx")
    dis = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert dis & accounts
