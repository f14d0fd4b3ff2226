"""One date format for pages, messages and documents: 2026年12月2日, a moment read in local time (Asia/Shanghai)."""

import datetime as dt

from django.template import Context, Template

from portal.dates import chinese_date, chinese_datetime

LATE_NEW_YEARS_EVE_UTC = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)  # 2027-01-01 01:30 in Beijing


def test_a_date_has_no_leading_zeros():
    assert chinese_date(dt.date(2003, 6, 8)) == "2003年6月8日"
    assert chinese_date(None) == chinese_date("") == ""


def test_a_moment_is_dated_in_local_time():
    assert chinese_date(LATE_NEW_YEARS_EVE_UTC) == "2027年1月1日"
    assert chinese_datetime(LATE_NEW_YEARS_EVE_UTC) == "2027年1月1日 01:30"


def test_the_documents_print_dates_with_the_same_function():
    template = Template("{% load document_format %}{{ moment|cn_date }}|{{ day|cn_date }}|{{ missing|cn_date }}")
    context = Context({"moment": LATE_NEW_YEARS_EVE_UTC, "day": dt.date(2003, 6, 18)})
    assert template.render(context) == "2027年1月1日|2003年6月18日|"
