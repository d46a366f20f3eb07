"""Reading landing files into tables of text, whatever their format.

CSV in UTF-8, UTF-8 with BOM or GBK/GB18030 (what Excel and WPS save on Chinese Windows), and
.xlsx (first sheet, one header row; read in :mod:`settlement.ingest.xlsx`). Every cell comes
back as text; numbers typed into Excel cells are written out exactly (shortest round-trip form)
and flagged, so that the parser can refuse a bank account or a code that Excel has turned into
a number.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from .raw import MAX_FILE_BYTES, MAX_ROWS, LandingError, RawTable
from .xlsx import read_xlsx


def confined(path: Path, root: Path) -> Path:
    """The resolved path, refusing anything that resolves outside ``root`` (links included)."""
    resolved = path.resolve()
    root_resolved = root.resolve()
    if resolved != root_resolved and root_resolved not in resolved.parents:
        raise LandingError(f"{path.name}：文件路径指向着陆目录之外，已拒绝读取 ({resolved})", file=path.name)
    return resolved


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise LandingError(
                f"{name}：带BOM的UTF-8文件中有无法解码的字节（第{exc.start}字节）", file=name
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise LandingError(
            f"{name}：文件编码无法识别（既不是UTF-8也不是GBK/GB18030，第{exc.start}字节出错）", file=name
        ) from exc


def read_csv_text(path: Path) -> RawTable:
    data = path.read_bytes()
    name = path.name
    lines = data.count(b"\n")
    if lines > MAX_ROWS + 1:
        raise LandingError(
            f"{name}：文件有约{lines:,}行，超过每个文件{MAX_ROWS:,}行的上限，已拒绝读取。请确认是否放错了文件；"
            "确属全省数据时请按年度拆分后分别结算",
            file=name,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LandingError(
            f"{name}：文件是UTF-16编码（Excel“Unicode文本”），请另存为“CSV UTF-8”或GBK编码的CSV", file=name
        )
    if b"\x00" in data[:65536]:
        raise LandingError(f"{name}：不是文本文件（含有二进制内容）", file=name)
    text, encoding = decode(data, name)
    if not text.strip():
        raise LandingError(f"{name}：文件为空", file=name)
    frame = _arrow_csv(text)
    if frame is None:
        frame = _pandas_csv(text, name)
    header = [str(h) for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    # row numbers as a person sees them in the file: header is row 1 (blank lines are skipped,
    # so this counts non-blank lines, which is what spreadsheet programs show for CSV)
    body.index = pd.RangeIndex(2, 2 + len(body))
    body.columns = range(len(header))
    return RawTable(path, header, body, None, encoding, hashlib.sha256(data).hexdigest())


# Arrow's CSV reader is given every column as text, so that nothing is inferred; far more
# columns are named than a landing file has (the names it does not meet it ignores).
_ARROW_TEXT_COLUMNS = 4096


def _arrow_csv(text: str) -> pd.DataFrame | None:
    """Every cell as text, read by Arrow's multithreaded CSV reader (four times pandas' C parser
    on a province's statistics file), or None when the file is not a plain rectangle of two or
    more columns: a row of another width (Arrow refuses it; pandas pads a short row, and names the
    line of a long one), a line of blanks (pandas skips it), a quote left open. Such a file is
    read by :func:`_pandas_csv`, which says what is wrong with it as before: both readers give the
    same cells for a rectangular file."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    text_type = pa.string()
    _arrow_text_types()
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=arrow_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=True),
            convert_options=arrow_csv.ConvertOptions(
                column_types={f"f{i}": text_type for i in range(_ARROW_TEXT_COLUMNS)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_columns < 2 or table.num_columns > _ARROW_TEXT_COLUMNS:
        return None  # one column: a line of blanks would be a row here, skipped by pandas
    # the cells stay in Arrow's memory: amounts are read there (ingest.parse); a column is made
    # into Python strings only when it is read as text
    return table.to_pandas(types_mapper=_ARROW_TEXT.get)


_ARROW_TEXT = {}  # Arrow's string type -> pandas' text dtype on Arrow storage (filled on first use)


def _arrow_text_types() -> None:
    import pyarrow as pa

    if not _ARROW_TEXT:
        _ARROW_TEXT[pa.string()] = pd.StringDtype("pyarrow", na_value=np.nan)


def _pandas_csv(text: str, name: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        raise LandingError(f"{name}：CSV格式错误，{_parser_detail(str(exc))}", file=name) from exc
    except (pd.errors.EmptyDataError, ValueError) as exc:
        raise LandingError(f"{name}：CSV无法读取（{exc}）", file=name) from exc


def _parser_detail(message: str) -> str:
    # "Error tokenizing data. C error: Expected 5 fields in line 3, saw 6"
    import re

    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if m:
        expected, line, saw = m.groups()
        return f"第{line}行有{saw}列，而前面的行只有{expected}列（可能是未加引号的逗号）"
    return message.strip()


def read_table(path: Path) -> RawTable:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise LandingError(
            f"{path.name}：文件有{size / 1024**2:,.0f} MB，超过每个文件{MAX_FILE_BYTES // 1024**2} MB的上限，"
            "已拒绝读取。"
            "请确认是否放错了文件（如把整库导出当作一个年度的数据）",
            file=path.name,
        )
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path)
    return read_csv_text(path)


def normalise_header(text: str) -> str:
    """Header cells compare after NFKC (full-width brackets become ASCII), trimming, lower case
    and without inner spaces: ``零售额（社会消费品零售额）`` matches ``零售额(社会消费品零售额)``."""
    return "".join(unicodedata.normalize("NFKC", str(text)).lstrip("\ufeff").split()).lower()
