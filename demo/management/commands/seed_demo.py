from django.core.management.base import BaseCommand

from demo.bulk import create_bulk_applications
from demo.production import refuse_demo_data_in_production
from demo.seed import seed_demo


class Command(BaseCommand):
    help = "创建演示数据：2024年度申报批次、产业集群、演示账号（密码 Demo#2024hb）（幂等）"

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=0, help="另外批量创建 N 份申报（分布在最近10个年度批次，用于性能测试）")

    def handle(self, *args, **options):
        refuse_demo_data_in_production()
        campaign = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：{campaign.title}。"))
        if options["applications"] > 0:
            report = create_bulk_applications(options["applications"])
            self.stdout.write(self.style.SUCCESS(report.summary()))
