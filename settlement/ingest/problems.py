"""Cell problems found while parsing a landing file: which row and column, the value as read,
a stable reason code and the Chinese message shown for it. A problem never guesses a value:
the row is later quarantined with its reasons.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PROBLEM_COLUMNS = ["file", "row", "column", "value", "reason", "message"]

# reason code -> Chinese message shown to users (the code is stable, for scripts and tests)
MESSAGES = {
    "blank": "必填值为空",
    "bad_number": "不是有效的数字",
    "not_finite": "数值不是有限数（NaN/inf）",
    "negative": "金额为负数",
    "absurd": "金额大得不合理（10^15元及以上）",
    "too_many_decimals": "小数位数超过允许位数",
    "bad_int": "不是有效的整数",
    "bad_date": "日期无法识别（应为YYYY-MM-DD或YYYY/MM/DD）",
    "bad_bool": "是/否值无法识别（可用1/0、true/false、是/否、Y/N）",
    "bad_enum": "取值不在允许范围内",
    "bad_region": "行政区划代码应为6位数字",
    "number_cell": (
        "该列应为文本：Excel中存为数字的账号可能已丢失位数或前导零，不能据以付款，请把单元格设为文本后重新填写"
    ),
    "too_long": "内容过长，超过该列允许的长度（可能是粘贴错误）",
    "scientific": "疑似被转换为科学计数法（如1.23E+18），原值已丢失",
}


def _problem_frame(file: str, column: str, values: pd.Series, mask: pd.Series, reason: str) -> pd.DataFrame:
    hit = values[mask]
    return pd.DataFrame(
        {
            "file": file,
            "row": hit.index.astype(np.int64),
            "column": column,
            "value": hit.astype(str).str.slice(0, 200).to_numpy(),
            "reason": reason,
            "message": MESSAGES[reason],
        }
    )


class _Problems:
    def __init__(self, file: str):
        self.file = file
        self.parts: list[pd.DataFrame] = []

    def add(self, column: str, values: pd.Series, mask, reason: str) -> None:
        mask = pd.Series(np.asarray(mask, dtype=bool), index=values.index)
        if mask.any():
            self.parts.append(_problem_frame(self.file, column, values, mask, reason))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        return pd.concat(self.parts, ignore_index=True)
