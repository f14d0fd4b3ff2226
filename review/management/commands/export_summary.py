from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applications.selectors import submitted_applications
from portal.audit.models import Event
from portal.audit.services import audit
from portal.directory.models import Campaign, Division
from portal.directory.offices import province_office
from review.documents import summary
from review.documents.excel import write_summary_workbook


class Command(BaseCommand):
    help = "导出汇总表（Excel）：全省（每个设区市另有一张工作表）或一个设区市；含牌匾制作清单。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True, help="申报批次年度，如 2024")
        parser.add_argument("--city", help="设区市区划代码，如 131100；不填则导出全省")
        parser.add_argument("--out", required=True, help="输出文件（.xlsx）")

    def handle(self, *args, campaign, city, out, **options):
        campaign_obj = Campaign.objects.filter(year=campaign).first()
        if campaign_obj is None:
            raise CommandError(f"没有 {campaign} 年度的申报批次。")
        division = None
        if city:
            division = Division.objects.city_level().filter(code=city).first()
            if division is None:
                raise CommandError(f"{city} 不是设区市（市级单位）的区划代码。")
        # Run by the operator on the server: the province's jurisdiction (the same selector the province's pages use).
        visible = submitted_applications()
        queryset = summary.recommended_queryset(visible=visible, campaign=campaign_obj, city_code=city)
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        result = write_summary_workbook(
            str(path),
            rows=summary.summary_rows(queryset),
            plaques=summary.plaque_rows(visible=visible, campaign=campaign_obj, city_code=city),
            unit=province_office(),
            on=timezone.localdate(),
            main_title=division.name if division else "全省汇总",
            split_by_city=division is None,
        )
        scope = division.name if division else "全省"
        audit(Event.EXPORT, username="manage.py export_summary", obj=campaign_obj, detail=f"导出汇总表（{scope}，{result.rows} 家）→ {path.name}")
        self.stdout.write(self.style.SUCCESS(f"已导出 {scope} {result.rows} 家企业（牌匾制作清单 {result.plaques} 家）：{path}"))
