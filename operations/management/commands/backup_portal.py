from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from operations.backup import backup_create, backup_default_name


class Command(BaseCommand):
    help = "备份数据库全部数据与私有文件（上传材料、生成的文书）到一个 .tar.gz，内含 SHA-256 清单"

    def add_arguments(self, parser):
        parser.add_argument("--out", help="备份文件路径")
        parser.add_argument("--dir", help="备份目录（不给 --out 时使用，文件名为 portal-日期-时间.tar.gz；默认 var/backups）")

    def handle(self, *args, **options):
        directory = Path(options["dir"]) if options["dir"] else Path(settings.VAR_DIR) / "backups"
        out = Path(options["out"]) if options["out"] else backup_default_name(directory)
        manifest = backup_create(out=out)
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(f"备份完成：{out}（{rows} 行数据，{len(manifest['files'])} 个文件）。")
        )
