from django.core.management.base import BaseCommand

from portal.directory.reference import load_divisions


class Command(BaseCommand):
    help = "载入河北省行政区划与开发区（幂等；不会覆盖已修改的审核路由）"

    def handle(self, *args, **options):
        count = load_divisions()
        self.stdout.write(self.style.SUCCESS(f"已载入 {count} 个区划单位。"))
