"""One date format across pages, messages, notifications and e-mails: 2026年12月2日 (no leading zeros)."""

import datetime as dt

from django.utils import timezone


def chinese_date(day: dt.date | dt.datetime | None) -> str:
    """2003年6月18日 (no leading zeros, as GB/T 9704 writes 成文日期); a moment is read in local time."""
    if not day:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_datetime(moment: dt.datetime) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{chinese_date(local)} {local:%H:%M}"
