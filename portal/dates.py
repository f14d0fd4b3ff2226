"""One date format across pages, messages, notifications and e-mails: 2026年12月2日 (no leading zeros).

Python writes dates with `chinese_date` and moments with `chinese_datetime` (2026年12月2日 09:05); templates write
the same with `|date:"Y年n月j日"` and `|date:"Y年n月j日 H:i"` (the audit log adds seconds: `"Y年n月j日 H:i:s"`).
There is no short form: narrow table columns keep the whole date on one line (`text-nowrap`). Only what a machine
reads keeps ISO 8601: the value of a date input (`type="date"`), CSV exports and stored audit changes.
"""

import datetime as dt

from django.utils import timezone


def chinese_date(day: dt.date | dt.datetime | None) -> str:
    """2003年6月18日 (no leading zeros, as GB/T 9704 writes 成文日期); a moment is read in local time."""
    if not day:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_datetime(moment: dt.datetime, *, seconds: bool = False) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{chinese_date(local)} {local:%H:%M:%S}" if seconds else f"{chinese_date(local)} {local:%H:%M}"
