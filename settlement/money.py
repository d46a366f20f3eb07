"""Money is integer fen (分) end to end; this module is the only place that turns text into fen
and fen back into text.

Ratios that turn into money go through :func:`mul_ratio_half_up` (ROUND_HALF_UP to the fen);
shares of a fixed total go through :func:`largest_remainder`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

import numpy as np

FEN_PER_YUAN = 100
WAN = 10_000  # 万, in 元
YI = 100_000_000  # 亿, in 元

# "1,234.50", "1234", "-3.5", "12万", "0.5亿", "500万元"; the unit suffix is for policy files.
_AMOUNT_RE = re.compile(r"^\s*([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(万|亿)?\s*(元)?\s*$")


class AmountError(ValueError):
    """A text that is not an amount of money in 元 with at most two decimals."""


def parse_decimal_text(text: str) -> Decimal:
    """Exact decimal of a number written with optional thousands separators and 万/亿."""
    m = _AMOUNT_RE.match(str(text))
    if not m:
        raise AmountError(f"不是有效的数字：{text!r}")
    sign, whole, frac, unit, _ = m.groups()
    value = Decimal(whole.replace(",", "") + ("." + frac if frac else ""))
    if unit == "万":
        value *= WAN
    elif unit == "亿":
        value *= YI
    return -value if sign == "-" else value


def yuan_to_fen(value: str | int | Decimal) -> int:
    """元 (text like ``"5万"``, ``"1,234.50"``, an int or a Decimal) to integer fen, exactly.

    More than two decimals after conversion is an error, never a silent rounding.
    """
    if isinstance(value, bool):
        raise AmountError(f"不是金额：{value!r}")
    if isinstance(value, int):
        return value * FEN_PER_YUAN
    dec = value if isinstance(value, Decimal) else parse_decimal_text(value)
    fen = dec * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise AmountError(f"金额超过两位小数：{value}")
    return int(fen)


def fen_to_yuan_text(fen: int) -> str:
    """Integer fen as 元 with two decimals, e.g. 123456 -> ``"1234.56"``."""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{q}.{r:02d}"


def fen_to_yuan_grouped(fen: int) -> str:
    """Integer fen as 元 with thousands separators, exactly: 123456789 -> ``"1,234,567.89"``."""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{q:,}.{r:02d}"


_CENTS_TEXT = [f".{c:02d}" for c in range(FEN_PER_YUAN)]


def fen_column_to_yuan_text(fen) -> np.ndarray:
    """:func:`fen_to_yuan_text` of a whole column: an object array of texts (``"-1234.56"``)."""
    arr = np.asarray(fen, dtype=np.int64).reshape(-1)
    whole, cents = np.divmod(np.abs(arr), FEN_PER_YUAN)
    signs = np.where(arr < 0, "-", "").tolist()
    return np.array(
        [f"{s}{w}{_CENTS_TEXT[c]}" for s, w, c in zip(signs, whole.tolist(), cents.tolist(), strict=True)],
        dtype=object,
    )


def fen_to_wan_text(fen: int) -> str:
    """Integer fen as 万元 with four decimals, ROUND_HALF_UP (the publicity list's second column)."""
    value = (Decimal(int(fen)) / Decimal(FEN_PER_YUAN * WAN)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    return f"{value:.4f}"


def to_fraction(value: str | int | Decimal | Fraction) -> Fraction:
    """Exact fraction of a ratio written as a decimal (``"0.125"``), a percentage (``"12.5%"``)
    or a fraction (``"1/3"``). Floats are refused: they are not exact."""
    if isinstance(value, float):
        raise TypeError("ratios must not be floats")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, Decimal):
        return Fraction(value)
    text = str(value).strip()
    try:
        if text.endswith("%"):
            return Fraction(Decimal(text[:-1])) / 100
        return Fraction(text)
    except (ValueError, ZeroDivisionError, InvalidOperation) as exc:
        raise ValueError(f"不是有效的比率：{value!r}") from exc


def div_half_up(num, den):
    """Integer division rounded half up (away from zero for the .5 case on positive numbers).

    Works elementwise on int64/object numpy arrays and on Python ints. ``den`` must be > 0 and
    ``num`` >= 0 (money here is never negative).
    """
    return (2 * num + den) // (2 * den)


def mul_ratio_half_up(fen, ratio: Fraction):
    """fen x ratio, rounded ROUND_HALF_UP to the fen. Elementwise on arrays."""
    ratio = Fraction(ratio)
    return div_half_up(fen * ratio.numerator, ratio.denominator)


def largest_remainder(amounts, target: int, order_keys: list | None = None) -> np.ndarray:
    """Scale integer ``amounts`` (fen) so that they add up to exactly ``target`` fen.

    Each amount gets floor(amount x target / total); the fens left over go one each to the
    largest fractional remainders; ties go by ``order_keys`` (first key first, ascending), then
    by position. Requires 0 <= target <= total. Vectorized; products are exact Python ints.
    """
    amounts = np.asarray(amounts, dtype=np.int64)
    n = len(amounts)
    total = int(amounts.astype(object).sum()) if n else 0  # exact
    if total == 0:
        return np.zeros(n, dtype=np.int64)
    if not 0 <= target <= total:
        raise ValueError("target must be between 0 and the total")
    products = amounts.astype(object) * int(target)
    base = (products // total).astype(np.int64)
    remainder = (products % total).astype(np.int64)
    left = int(target) - int(base.sum())
    if left:
        keys = [np.arange(n)] + [np.asarray(k) for k in reversed(order_keys or [])] + [-remainder]
        order = np.lexsort(tuple(keys))
        base[order[:left]] += 1
    return base


def fen_to_capitals(fen: int) -> str:
    """An amount in Chinese capitals as payment documents write it (人民币…元整):
    5262228159 fen -> ``"人民币伍仟贰佰陆拾贰万贰仟贰佰捌拾壹元伍角玖分"``; 100000 -> ``"人民币壹仟元整"``.

    The wording follows the rules for filling in payment documents (中国人民银行《支付结算办法》
    附件“正确填写票据和结算凭证的基本规定”); the conversion is cn2an's ``rmb`` mode, given the
    exact decimal text of the fen (never a float). A negative amount (to be recovered) is
    written with 负 in front."""
    import cn2an  # imported when a list needs it

    fen = int(fen)
    words = cn2an.an2cn(fen_to_yuan_text(abs(fen)), "rmb")
    return ("人民币负" if fen < 0 else "人民币") + words
