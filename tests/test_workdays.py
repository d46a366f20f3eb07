from datetime import date

import pytest

from settlement.workdays import CalendarError, nth_workday


def test_deadline_across_national_day_2025():
    # 2025-09-28 (Sunday) is a make-up workday; 10-01 .. 10-08 are holidays
    assert nth_workday(date(2025, 9, 28), 5) == date(2025, 10, 10)
    assert nth_workday(date(2025, 9, 30), 2) == date(2025, 10, 9)


def test_start_on_a_holiday_counts_from_the_next_workday():
    assert nth_workday(date(2025, 10, 1), 1) == date(2025, 10, 9)
    assert nth_workday(date(2025, 10, 1), 3) == date(2025, 10, 11)  # Saturday 10-11 is a make-up workday


def test_ordinary_week():
    assert nth_workday(date(2025, 11, 3), 5) == date(2025, 11, 7)


def test_year_without_calendar_data_is_a_clear_error():
    with pytest.raises(CalendarError, match="chinese-calendar"):
        nth_workday(date(2099, 1, 5), 5)
