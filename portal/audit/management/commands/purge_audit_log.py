import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from portal.audit.services import PurgeRefused, audit_log_purge


def _date(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from error


class Command(BaseCommand):
    help = "删除指定日期之前的审计日志（审计日志至少保留180天，更近的日期会被拒绝）"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="删除此日期（北京时间 0 点）之前的记录，格式 YYYY-MM-DD")

    def handle(self, *args, **options):
        try:
            deleted = audit_log_purge(before=_date(options["before"]))
        except PurgeRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"已删除 {deleted} 条审计日志。"))
