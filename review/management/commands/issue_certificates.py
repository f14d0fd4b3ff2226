from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.audit.models import Event
from portal.audit.services import audit
from portal.directory.models import Campaign
from review.documents.certificates import (
    campaign_certificates,
    certificate_filename,
    render_certificates,
    seal_asset,
)


class Command(BaseCommand):
    help = "生成证书 PDF：一个批次全部有效证书的合订本，以及每份证书一个 PDF。"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True, help="申报批次年度，如 2024")
        parser.add_argument("--out", required=True, help="输出目录")
        parser.add_argument("--combined-only", action="store_true", help="只生成合订本")

    def handle(self, *args, campaign, out, combined_only, **options):
        campaign_obj = Campaign.objects.filter(year=campaign).first()
        if campaign_obj is None:
            raise CommandError(f"没有 {campaign} 年度的申报批次。")
        certificates = list(campaign_certificates(campaign_obj))
        if not certificates:
            raise CommandError("该批次尚无有效证书。")
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        assets = seal_asset(campaign_obj)
        combined = directory / f"{campaign_obj.year}年度龙头企业证书合订本.pdf"
        with open(combined, "wb") as handle:
            render_certificates(certificates, campaign=campaign_obj, target=handle, assets=assets)
        self.stdout.write(f"合订本（{len(certificates)} 页）：{combined}")
        if not combined_only:
            for done, certificate in enumerate(certificates, start=1):
                (directory / certificate_filename(certificate)).write_bytes(
                    render_certificates([certificate], campaign=campaign_obj, assets=assets)
                )
                if done % 20 == 0 or done == len(certificates):
                    self.stdout.write(f"逐份证书：{done}/{len(certificates)}")
        audit(Event.EXPORT, username="manage.py issue_certificates", obj=campaign_obj, detail=f"生成证书 {len(certificates)} 份 → {directory}")
        self.stdout.write(self.style.SUCCESS(f"已生成 {len(certificates)} 份证书：{directory}"))
