from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.directory.cluster_import import import_clusters


class Command(BaseCommand):
    help = "从 CSV 或 XLSX 导入省级产业集群名单（全部成功或全部不导入）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 或 XLSX 文件")
        parser.add_argument("--year", type=int, help="文件中没有确认年度时使用的年度")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        report = import_clusters(path.name, path.read_bytes(), default_year=options["year"])
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
