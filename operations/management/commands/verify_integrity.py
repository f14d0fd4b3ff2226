from django.core.management.base import BaseCommand, CommandError

from operations.integrity import integrity_problems


class Command(BaseCommand):
    help = "核对已锁定申报的当前数据与最近一次审核记录中的签署摘要（SHA-256）；发现不一致时以非零状态退出"

    def handle(self, *args, **options):
        problems = integrity_problems()
        for problem in problems:
            self.stderr.write(f"申报 {problem.application_id} {problem.application}［{problem.state}］：{problem.message}")
        if problems:
            raise CommandError(f"完整性校验发现 {len(problems)} 个问题。", returncode=2)
        self.stdout.write(self.style.SUCCESS("完整性校验通过：所有已锁定申报的数据与签署摘要一致。"))
