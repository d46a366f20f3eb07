"""The lists a final or correction run pays from: the disbursement list and the bank files, one
per funding source, written together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import load_settings
from .errors import InputError
from .publish import fixed_time
from .reports.bank_files import BankFileError, bank_file_name, write_bank_files
from .reports.disbursement import write_disbursement
from .reports.payments import missing_bank_details
from .reports.runinfo import RunInfo


@dataclass
class PayLists:
    files: dict[str, str]  # name -> SHA-256
    money: object  # reports.payments.Payments
    bank_files: dict[str, Path]  # funding source -> its bank file


def write_pay_lists(
    out_dir: Path,
    year: int,
    lines: pd.DataFrame,
    enterprises: pd.DataFrame,
    catalog,
    info: RunInfo,
    scale_factors: dict | None = None,
) -> PayLists:
    """The disbursement list and the bank batch-transfer files; refused (nothing written) when a
    payee of a paid line has no account to pay to."""
    missing = missing_bank_details(lines, enterprises)
    if len(missing):
        named = "\n".join(
            f"  - {r.name}（{r.payee_uscc}）缺少{r.missing}，涉及{r.lines}笔奖励"
            for r in missing.itertuples(index=False)
        )
        raise InputError(
            f"{year}年有{len(missing)}个收款单位缺少银行账户信息，拨付清单无法据以付款，"
            f"本次不定稿：\n{named}\n"
            "请在 enterprises 文件中补全开户银行和银行账号后重新运行 settlement run，再公示、定稿。"
        )
    settings = load_settings()
    name = f"disbursement_{year}{info.suffix}.xlsx"
    digest, money = write_disbursement(
        out_dir / name, year, lines, enterprises, catalog, settings, info, fixed_time(year), scale_factors
    )
    try:
        banks = write_bank_files(out_dir, year, money, settings, info)
    except BankFileError as exc:
        raise InputError(str(exc)) from None
    by_source = {
        s.name: out_dir / bank_file_name(year, info, s.name)
        for s in money.sources
        if bank_file_name(year, info, s.name) in banks
    }
    return PayLists({name: digest, **banks}, money, by_source)
