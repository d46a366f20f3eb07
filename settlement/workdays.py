"""Chinese working days (法定节假日 and 调休 make-up workdays) from the chinese-calendar package."""

from __future__ import annotations

from datetime import date, timedelta


class CalendarError(ValueError):
    pass


def is_workday(day: date) -> bool:
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise CalendarError(
            f"工作日历没有 {day.year} 年的节假日安排（chinese-calendar 尚未收录），请升级 chinese-calendar"
            " 后再计算公示期"
        ) from exc


def nth_workday(start: date, n: int) -> date:
    """The n-th working day counting from ``start`` (``start`` is day 1 when it is a working day)."""
    if n < 1:
        raise CalendarError("公示期至少1个工作日")
    day, count = start, 0
    for _ in range(n * 7 + 60):  # holidays never span more than a few weeks
        if is_workday(day):
            count += 1
            if count == n:
                return day
        day += timedelta(days=1)
    raise CalendarError("无法计算公示截止日期")
