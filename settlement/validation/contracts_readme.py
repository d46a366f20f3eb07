"""The README of data_contracts/, written from the suites themselves and the checks that are not
expectations, so that it always says what the run checks:
`python -m settlement.validation.contracts_readme > data_contracts/README.md`."""

from __future__ import annotations

from .contracts import load_suite_documents

SEVERITY_WORDS = {
    "critical": "error — the row is quarantined",
    "warning": "warning — reported, the row still counts",
}


OTHER_CHECKS = [
    (
        "the folder",
        (
            "every file is a landing file (names match whatever their case); an old .xls, a copy such as"
            " `applications (1).xlsx` or any other file stops the run naming it; lock files, `_`/`.` files,"
            " objections and subfolders are not read"
        ),
        "blocking",
        "a file skipped in silence changes the money",
    ),
    (
        "all files",
        (
            "a header with a unit other than the column's (网络零售额（万元）, 增速（%）), or within two"
            " edits of a contract column (onlinesales), stops the run naming both; a title row above the"
            " header is named"
        ),
        "blocking",
        "amounts are never rescaled by guess and a misspelt column is never dropped",
    ),
    (
        "all files",
        (
            "size: at most 300 MB and 1,200,000 rows a file; an .xlsx at most 200 columns, 20,000,000 cells"
            " and 1 GB unpacked (200x packed); formulas without a calculated value refuse the workbook"
        ),
        "blocking",
        "a junk or hostile file is refused before it fills memory; a formula never calculated reads as blank",
    ),
    (
        "all files",
        "more than half of a file's rows unreadable (cells or enterprise code) stops the run",
        "blocking",
        "a wrong file under a landing name",
    ),
    (
        "all files",
        (
            "cell types (money, ratio, quantity, date, boolean, enumeration, region code, bank account);"
            " texts longer than the column holds"
        ),
        "error",
        "a cell that cannot be read exactly is never guessed at",
    ),
    (
        "enterprises",
        "a bank account in an Excel number cell (any length)",
        "error",
        "Excel keeps 15 digits and drops leading zeros: never paid to",
    ),
    (
        "budgets",
        "a budget row of a policy that scales down to its budget cannot be read",
        "blocking",
        "falling back to the text's total would pay a different amount",
    ),
    (
        "all files",
        "a required column is missing; the file is missing, empty, not CSV/xlsx or in an unknown encoding",
        "blocking",
        "the whole file cannot be used: exit 2, nothing written to the ledger",
    ),
    (
        "annual_stats",
        "the settlement year is present",
        "blocking",
        "without the year's figures there is nothing to settle",
    ),
    (
        "enterprises",
        "at least one usable enterprise",
        "blocking",
        "every award is paid to an enterprise of the register",
    ),
    (
        "fx_rates",
        "a rate for the settlement year when a US-dollar clause has applications",
        "blocking",
        "thresholds and amounts in USD need that year's rate; no rate is built into the code",
    ),
    (
        "applications, prior_awards",
        "the clause id exists in the named policy",
        "error",
        "an application must name a real clause",
    ),
    (
        "annual_stats, applications, prior_awards",
        "the enterprise exists (and is not itself quarantined)",
        "error",
        "rows that refer to a quarantined row are quarantined too",
    ),
    (
        "parks",
        "the operator is an enterprise of the register (not quarantined)",
        "error",
        "park awards are paid to the operator",
    ),
    (
        "enterprises",
        "the park exists (and is not quarantined)",
        "error",
        "park aggregates collect the members of a park",
    ),
    (
        "annual_stats",
        "reported growth within 0.5 percentage points of the growth computed from last year's row",
        "warning",
        (
            "a comparable-basis rate far from the levels points to a basis or data error (the reported rate"
            " is still used)"
        ),
    ),
    (
        "annual_stats",
        "no more than 10x growth, nor a fall to a tenth or less, year on year (online retail, retail sales)",
        "warning",
        "a tenfold jump or drop is usually a unit error (元/万元)",
    ),
    (
        "applications, budgets",
        "rows of another year than the settlement year",
        "warning",
        "they belong to that year's settlement; not used",
    ),
    ("budgets", "a budget of 0", "warning", "a scaled policy then pays nothing"),
    (
        "applications",
        "two approved applications with identical content under two ids",
        "warning",
        "both would be paid",
    ),
    (
        "all files",
        "columns outside the contract",
        "warning",
        "kept as they are, not used; named so that a misnamed column is seen",
    ),
    (
        "budgets",
        "a budget row belongs to a policy whose text scales down to its budget",
        "warning",
        "other policies have no budget rule; the row is ignored",
    ),
    (
        "applications",
        "no application for a clause computed from statistics alone",
        "warning",
        "such clauses need no application; the row is ignored",
    ),
]


def contracts_readme() -> str:
    lines = [
        "# data_contracts/",
        "",
        "One Great Expectations (GX Core 1.x) expectation suite per landing file, kept as JSON and",
        "loaded at run time by `settlement/validation/contracts.py`. The suites run on the typed",
        "frames (money in integer fen, ratios x 10^9, quantities x 10^6, dates as days since",
        "1970-01-01), indexed by the row number in the file, so every failure names file, row and",
        "column. `expect_column_values_to_be_valid_uscc` is our own expectation (GB 32100-2015,",
        "vectorized). Each expectation's `meta` holds the quarantine reason code, the message users",
        "read and why the check exists. Suite parameters: `settlement_year`, `policy_ids`, `today_days`.",
        "",
        "Severity: *blocking* stops the run (exit 2, nothing written to the ledger); *error*",
        "quarantines the row with its reason (stored in the ledger, excluded from awards, counted in",
        "the manifest); *warning* is reported and the row still counts.",
        "",
        "This page is generated:",
        "`python -m settlement.validation.contracts_readme > data_contracts/README.md`.",
        "",
        "## Expectation suites",
        "",
        "| file | expectation | column | severity | reason | why |",
        "|---|---|---|---|---|---|",
    ]
    for name, doc in load_suite_documents().items():
        for spec in doc["expectations"]:
            kw = spec["kwargs"]
            column = kw.get("column") or (
                f"{kw.get('column_A')} ≥ {kw.get('column_B')}"
                if "column_A" in kw
                else ", ".join(kw.get("column_list", []))
            )
            lines.append(
                f"| {name} | `{spec['type']}` | {column} | {SEVERITY_WORDS[spec.get('severity', 'critical')]}"
                f" | `{spec['meta']['reason']}` {spec['meta']['message']} | {spec['meta']['why']} |"
            )
    lines += [
        "",
        "## Checks outside the suites (settlement/ingest, settlement/validation/rules.py)",
        "",
        "| file | check | severity | why |",
        "|---|---|---|---|",
    ]
    for file, check, severity, why in OTHER_CHECKS:
        lines.append(f"| {file} | {check} | {severity} | {why} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(contracts_readme(), end="")
