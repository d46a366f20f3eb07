"""Finding the contract's columns in a file's header row: English codes or Chinese labels, a unit
in brackets, a near miss named (a typo is never taken for a column silently)."""

from __future__ import annotations

import re

from .contract import (
    LandingFile,
)
from .readers import LandingError, RawTable, normalise_header

# The unit a header may carry in brackets after a column's label, by the column's type: an
# amount is in 元 and nothing else; a ratio carries none (a "%" header would make 12.5 read as 1250%)
UNITS = {
    "money": {"元", "人民币元", "rmb", "cny"},
    "number": {"平方米", "m2", "个", "件", "项", "家", "次", "场", "人"},
    "int": {"年", "月", "个月", "家", "个"},
}


_UNIT = re.compile(r"^(.+)\(([^()]+)\)$")
_BRACKETED = re.compile(r"\([^()]*\)")


def edit_distance(a: str, b: str, most: int) -> int:
    """Levenshtein distance, stopping early above ``most`` (headers are short: a plain dynamic
    programme is enough, no library needed)."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > most:
            return most + 1
        previous = current
    return previous[-1]


def _near_limit(target: str) -> int:
    """How many edits make a header 'nearly' a contract name: none for two characters, one up to
    seven, two from eight (onlinesales → online_sales; 企业名字 → 企业名称)."""
    return 0 if len(target) < 3 else 1 if len(target) < 8 else 2


def header_names(spec: LandingFile) -> dict[str, str]:
    """Normalised header -> contract code: the code, the Chinese label, and the label without
    its explanatory brackets (零售额(社会消费品零售额) → 零售额; 注册(落户)日期 → 注册日期)."""
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for name in (col.code, col.label, _BRACKETED.sub("", col.label)):
            lookup.setdefault(normalise_header(name), col.code)
    return lookup


def map_header(spec: LandingFile, raw: RawTable) -> dict[str, int]:
    """Contract code -> column position. English codes or Chinese labels, any order; a label may
    carry its own unit in brackets (网络零售额（元）). A header with another unit (网络零售额（万元）)
    or within two edits of a contract name (onlinesales) stops the run naming it: amounts are never
    rescaled by guess and a misspelt column is never dropped in silence."""
    file = raw.path.name
    lookup = header_names(spec)
    positions: dict[str, int] = {}
    for pos, cell in enumerate(raw.header):
        norm = normalise_header(cell)
        if not norm:
            continue
        code = lookup.get(norm)
        if code is None:
            code = _with_unit(spec, lookup, norm, cell, file)
        if code is None:
            _near_miss(spec, lookup, norm, cell, file)
            continue
        if code in positions:
            first = raw.header[positions[code]]
            raise LandingError(
                f"{file}：列“{spec.column(code).label}”（{code}）出现了两次（“{first}”和“{cell}”）",
                file=file,
                column=code,
            )
        positions[code] = pos
    for col in spec.columns:
        if col.required and col.code not in positions:
            raise LandingError(
                f"{file}：缺少必需的列“{col.label}”（{col.code}）" + _header_hint(spec, raw, lookup),
                file=file,
                column=col.code,
            )
    return positions


def _with_unit(spec: LandingFile, lookup: dict[str, str], norm: str, cell: str, file: str) -> str | None:
    m = _UNIT.match(norm)
    if not m or m.group(1) not in lookup:
        return None
    code, unit = lookup[m.group(1)], m.group(2)
    col = spec.column(code)
    if unit in UNITS.get(col.type, set()):
        return code
    what = (
        "金额一律按元填写"
        if col.type == "money"
        else "比率填小数（0.125）或带%的数（12.5%）"
        if col.type == "ratio"
        else "该列不带单位"
    )
    raise LandingError(
        f"{file}：表头“{cell}”的单位是“{unit}”，而“{col.label}”（{code}）{what}；数值不会按单位换算。"
        f"请把该列换算后把表头改为“{col.label}”再运行",
        file=file,
        column=code,
    )


def _near_miss(spec: LandingFile, lookup: dict[str, str], norm: str, cell: str, file: str) -> None:
    for name, code in lookup.items():
        most = _near_limit(name)
        if most and (d := edit_distance(norm, name, most)) <= most:
            col = spec.column(code)
            raise LandingError(
                f"{file}：表头“{cell}”不是数据约定的列，但与“{col.label}”（{code}）只差{d}个字符，是否写错了？"
                f"请改为“{col.label}”或“{code}”后重新运行（如确是另外的列，请改成明显不同的名字）",
                file=file,
                column=code,
            )


def _header_hint(spec: LandingFile, raw: RawTable, lookup: dict[str, str]) -> str:
    """When a title or notes row sits above the header: which row was read as the header, and
    which later row looks like the header."""
    found = sum(normalise_header(h) in lookup for h in raw.header)
    for row_number, row in raw.cells.head(5).iterrows():
        hits = [str(v) for v in row if normalise_header(v) in lookup]
        if len(hits) >= 2 and len(hits) > found:
            return (
                f"。第{raw.header_row}行（“{'、'.join(h for h in raw.header if str(h).strip())[:40]}”）"
                "被当作表头读取；"
                f"第{row_number}行含有{'、'.join(hits[:4])}等列名，看起来才是表头：请删除表头上方的标题或说明行后重新运行"
            )
    return f"（表头为第{raw.header_row}行）"
