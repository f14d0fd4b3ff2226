from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "从 backup_portal 生成的备份恢复：先校验清单，再清空并重新载入数据库，最后写回私有文件"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.tar.gz）")
        parser.add_argument("--yes", "--noinput", "--no-input", action="store_true", help="不再询问，直接覆盖当前数据")
        parser.add_argument("--check", action="store_true", help="只校验备份文件，不恢复")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到备份文件：{path}")
        try:
            manifest = backup_verify(path=path)
            self.stdout.write(
                f"备份校验通过：{manifest['created_at']} 创建，来源数据库 {manifest['database_vendor']}，"
                f"{sum(manifest['rows'].values())} 行数据，{len(manifest['files'])} 个文件。"
            )
            if options["check"]:
                return
            if not options["yes"]:
                answer = input("恢复将清空当前数据库与私有文件并以备份内容替换。输入 yes 继续：")
                if answer.strip().lower() != "yes":
                    raise CommandError("已取消，未做任何改动。")
            report = backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：{sum(report.rows.values())} 行数据，写回 {report.files} 个文件，删除 {report.removed_files} 个备份中没有的文件。"
            )
        )
