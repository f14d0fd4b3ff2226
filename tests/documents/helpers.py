"""Applications carried through the real workflow, for the document tests."""

import datetime as dt
import subprocess
from decimal import Decimal

from django.utils import timezone

from applications.models import Application
from portal.directory.models import Division
from review.models import CountyVerification, Meeting, MeetingDecision, validity_end
from review.services import perform_transition
from tests.factories import city_official, county_official, eligible_application, province_official
from tests.review.journey import rank_next


def submitted_application(**kwargs) -> Application:
    application = eligible_application(**kwargs)
    perform_transition(application_id=application.pk, action="submit", actor=application.enterprise.users.first())
    return Application.objects.get(pk=application.pk)


def verify(application, *, county=None, **figures):
    county = county or county_official(application.enterprise.county_id)
    values = {
        "revenue": Decimal("51000.00"),
        "tax_total": Decimal("2600.00"),
        "total_assets": Decimal("80000.00"),
        "owners_equity": Decimal("48000.00"),
        "cluster_rank": 1,
        "remarks": "经实地核查，数据基本属实。",
    }
    values.update(figures)
    return CountyVerification.objects.create(application=application, verified_by=county, **values)


def forwarded_application(*, county_opinion="经核实，符合申报条件，同意推荐。", city_opinion="同意上报。", **kwargs) -> Application:
    application = submitted_application(**kwargs)
    county = county_official(application.enterprise.county_id, full_name="张核实")
    verify(application, county=county)
    perform_transition(application_id=application.pk, action="county_pass", actor=county, opinion=county_opinion)
    city_code = Division.objects.get(code=application.enterprise.county_id).reviewing_city_id
    city = city_official(city_code, full_name="李审核")
    rank_next(application)
    perform_transition(application_id=application.pk, action="city_forward", actor=city, opinion=city_opinion)
    return Application.objects.get(pk=application.pk)


def award(applications, *, province=None):
    """Decide 认定 at one closed meeting and award in ranking order (certificate numbers follow it)."""
    province = province or province_official(full_name="王审定")
    campaign = applications[0].campaign
    meeting = Meeting.objects.create(
        campaign=campaign, name="龙头企业认定会议", held_on=timezone.localdate() - dt.timedelta(days=1),
        minutes_number="省局会议纪要〔2024〕8号", created_by=province,
    )
    for rank, application in enumerate(applications, start=1):
        MeetingDecision.objects.create(meeting=meeting, application=application, decision="award", rank=rank)
    Meeting.objects.filter(pk=meeting.pk).update(closed_at=timezone.now())
    for application in applications:
        perform_transition(application_id=application.pk, action="award", actor=province, opinion="经会议研究，予以认定。")
    Meeting.objects.filter(pk=meeting.pk).update(awarded_at=timezone.now())  # as meeting_award records it
    return [Application.objects.get(pk=a.pk) for a in applications]


def awarded_application(**kwargs) -> Application:
    return award([forwarded_application(**kwargs)])[0]


def pdf_text(data: bytes) -> str:
    """The PDF's text with all white space removed (table cells wrap lines anywhere)."""
    import io
    import re

    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def squash(text: str) -> str:
    import re

    return re.sub(r"\s+", "", text)


def pdf_page_count(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def pdffonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


# Counties in three different cities: 安平县 (衡水市), 清河县 (邢台市), 辛集市 (reviews itself).
BULK_COUNTIES = ["131125", "130534", "130181"]


def bulk_forwarded(n: int, *, campaign=None, awarded_every: int = 2):
    """`n` forwarded applications spread over three cities and several clusters, made with bulk inserts.

    Every `awarded_every`-th one is 已认定 with a certificate; every third one has no county verification.
    """
    from applications.models import Enterprise, PartnerSME, State
    from demo.seed import synthetic_credit_code
    from portal.directory.models import Cluster
    from review.models import Certificate, ReviewRecord
    from tests.factories import ELIGIBLE_FIELDS, CampaignFactory

    campaign = campaign or CampaignFactory()
    county_user = county_official("131125")
    city_user = city_official("131100")
    clusters = [
        Cluster.objects.get_or_create(
            name=f"批量测试集群{code}-{k}", defaults={"county_id": code, "industry": "测试", "confirmed_year": 2020}
        )[0]
        for code in BULK_COUNTIES
        for k in range(3)
    ]
    start = Enterprise.objects.count()
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"批量测试企业{start + i}有限公司",
                credit_code=synthetic_credit_code(clusters[i % len(clusters)].county_id, 200000 + start + i),
                county_id=clusters[i % len(clusters)].county_id,
                cluster=clusters[i % len(clusters)],
                legal_representative="王强", contact_name="赵丽", contact_phone="13812345678",
                email=f"bulk{start + i}@example.cn", address="河北省",
            )
            for i in range(n)
        ]
    )
    now = timezone.now()
    routing = dict(Division.objects.values_list("pk", "reviewing_city_id"))
    applications = Application.objects.bulk_create(
        [
            Application(
                campaign=campaign, enterprise=e, cluster=e.cluster, submitted_at=now, city_rank=(i % 3) + 1,
                reviewing_city_id=routing[e.county_id], reviewing_county_id=e.county_id,
                state=State.AWARDED if i % awarded_every == 0 else State.PROVINCE_REVIEW,
                **ELIGIBLE_FIELDS,
            )
            for i, e in enumerate(enterprises)
        ]
    )
    CountyVerification.objects.bulk_create(
        [
            CountyVerification(
                application=a, revenue=Decimal("50000.00"), tax_total=Decimal("2500.00"),
                total_assets=Decimal("80000.00"), owners_equity=Decimal("44000.00"), cluster_rank=2,
                verified_by=county_user,
            )
            for i, a in enumerate(applications)
            if i % 3
        ]
    )
    records = []
    for a in applications:
        for action, label, source, target, actor, opinion in (
            ("county_pass", "初审通过", "county_review", "city_review", county_user, "同意推荐"),
            ("city_forward", "审核通过并上报", "city_review", "province_review", city_user, "同意上报"),
        ):
            records.append(
                ReviewRecord(
                    application=a, action=action, action_label=label, from_state=source, to_state=target,
                    actor=actor, actor_name=actor.display_name, actor_role=actor.role, actor_unit_id=actor.unit_id,
                    actor_unit_name=actor.unit.name, opinion=opinion, data_sha256="0" * 64,
                )
            )
    ReviewRecord.objects.bulk_create(records)
    PartnerSME.objects.bulk_create(
        [
            PartnerSME(application=a, name=f"协作企业{k}", credit_code=f"P{a.pk:08d}{k:02d}", cooperation="配套")
            for a in applications
            for k in range(2)
        ]
    )
    serial = Certificate.objects.filter(campaign=campaign).count()
    certificates = []
    for a in applications:
        if a.state == State.AWARDED:
            serial += 1
            certificates.append(
                Certificate(
                    application=a, issued_for=a, campaign=campaign, serial=serial,
                    number=campaign.certificate_number(serial), issued_on=timezone.localdate(),
                    expires_on=validity_end(timezone.localdate(), campaign.title_validity_years),
                )
            )
    Certificate.objects.bulk_create(certificates)
    return applications


HENGSHUI_COUNTIES = ["131125", "131121", "131122", "131123", "131124", "131126", "131127", "131128", "131182", "131102"]


def hengshui_recommended(clusters: int, per_cluster: int = 2, *, campaign=None, long_names: bool = False):
    """衡水市 applications forwarded to the province (bulk inserts): `clusters` clusters in different counties,
    `per_cluster` each with 推荐顺序 1, 2, …; names long enough to wrap when `long_names`."""
    from applications.models import Enterprise, State
    from demo.seed import synthetic_credit_code
    from portal.directory.models import Cluster
    from tests.factories import ELIGIBLE_FIELDS, CampaignFactory

    campaign = campaign or CampaignFactory()
    start = Enterprise.objects.count()
    made = []
    for c in range(clusters):
        county = HENGSHUI_COUNTIES[c % len(HENGSHUI_COUNTIES)]
        division = Division.objects.get(code=county)
        cluster, _ = Cluster.objects.get_or_create(
            name=f"{division.name}{'高端装备制造与新材料应用' if long_names else ''}产业集群{c + 1}",
            defaults={"county_id": county, "industry": "制造", "confirmed_year": 2020},
        )
        for k in range(per_cluster):
            n = start + len(made)
            name = f"{division.name}{'恒信达精密机械制造与智能装备科技' if long_names else '恒达'}有限公司{n}"
            enterprise = Enterprise.objects.create(
                name=name, credit_code=synthetic_credit_code(county, 300000 + n), county_id=county, cluster=cluster,
                legal_representative="王强", contact_name="赵丽", contact_phone="13812345678",
                email=f"hs{n}@example.cn", address="河北省衡水市",
            )
            made.append(
                Application.objects.create(
                    campaign=campaign, enterprise=enterprise, cluster=cluster, submitted_at=timezone.now(),
                    reviewing_city_id=division.reviewing_city_id, reviewing_county_id=enterprise.county_id,
                    city_rank=k + 1, state=State.PROVINCE_REVIEW, **ELIGIBLE_FIELDS,
                )
            )
    return made


def pdf_pages_text(data: bytes) -> list[str]:
    """Each page's text, white space removed."""
    import io
    import re

    from pypdf import PdfReader

    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


SCREENSHOTS = "var/screenshots/documents"


def save_pages_png(data: bytes, name: str, *, first: int = 1, last: int | None = None, dpi: int = 60):
    """Render pages of a PDF to var/screenshots/documents/<name>-<page>.png (to be looked at)."""
    import tempfile
    from pathlib import Path

    from django.conf import settings

    out = Path(settings.BASE_DIR) / SCREENSHOTS
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        command = ["pdftoppm", "-r", str(dpi), "-png", "-f", str(first)]
        if last is not None:
            command += ["-l", str(last)]
        subprocess.run([*command, handle.name, str(out / name)], check=True)
    return out


def word_boxes(pdf_path) -> list[dict]:
    """Pages of a PDF as read by `pdftotext -bbox-layout`: [{"width", "height", "words": [(text, x0, y0, x1, y1)]}]."""
    import xml.etree.ElementTree as ET

    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(xhtml)  # noqa: S314 - pdftotext output of a PDF the test itself made
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        words = [
            (w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
            for w in page.iterfind(".//x:word", ns)
        ]
        pages.append({"width": float(page.get("width")), "height": float(page.get("height")), "words": words})
    return pages
