"""Who the demo enterprises are: names, credit codes, banks and their branches."""

from __future__ import annotations

import hashlib

import numpy as np

from .demo_files import (
    LABELS,  # noqa: F401 (re-exported)
)
from .uscc import ALPHABET, make_uscc

NAME_WORDS = [
    "云帆",
    "星河",
    "绿源",
    "恒达",
    "凯越",
    "锦程",
    "博远",
    "瑞丰",
    "华茂",
    "晨光",
    "青禾",
    "泓达",
    "正和",
    "众诚",
    "嘉润",
    "鼎新",
    "铭泰",
    "悦享",
    "优品",
    "匠心",
]


NAME_TRADES = ["电子商务", "网络科技", "供应链管理", "贸易", "跨境电商", "数字科技", "直播科技", "品牌管理"]
BANKS = ["中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "浙江农商银行", "宁波银行", "杭州银行"]


# CNAPS bank codes (联行号) start with the bank's 3-digit code, then the city's 4-digit code
BANK_CODES = {
    "中国工商银行": "102",
    "中国农业银行": "103",
    "中国银行": "104",
    "中国建设银行": "105",
    "浙江农商银行": "402",
    "宁波银行": "313",
    "杭州银行": "313",
}


BRANCH_CITY = {
    "330108": ("杭州", "3310"),
    "330106": ("杭州", "3310"),
    "330110": ("杭州", "3310"),
    "330109": ("杭州", "3310"),
    "331122": ("丽水", "3430"),
    "330282": ("宁波", "3320"),
    "331102": ("丽水", "3430"),
}


def branch_names(bank: np.ndarray, region: np.ndarray, township: np.ndarray) -> tuple[list[str], list[str]]:
    """The branch (开户银行) and its CNAPS code (联行号) of each account: the bank's branch in the
    enterprise's township. Derived from the data already drawn (no draw from the random stream,
    so the rest of the demo stays as it was)."""
    names, codes = [], []
    for b, r, t in zip(bank, region, township, strict=True):
        city, city_code = BRANCH_CITY[str(r)]
        place = str(t).removesuffix("街道").removesuffix("镇")
        names.append(f"{b}{city}{place}支行")
        digits = int(hashlib.sha256(f"{b}{t}".encode()).hexdigest()[:8], 16) % 10**5
        codes.append(f"{BANK_CODES[str(b)]}{city_code}{digits:05d}")
    return names, codes


def uscc_codes(rng: np.random.Generator, regions: np.ndarray) -> list[str]:
    seen: set[str] = set()
    out = []
    letters = np.array(list(ALPHABET))
    for region in regions:
        while True:
            body = "MA" + "".join(rng.choice(letters, 7))
            code = make_uscc("9", "1", str(region), body)
            if code not in seen:
                seen.add(code)
                out.append(code)
                break
    return out
