"""Demo data (seed_demo): the 2024 campaign, the real clusters, the demo accounts, their enterprises and
applications in every workflow state, walked there through the real service so every record is genuine.

Idempotent: running it again finds what exists and changes nothing.

Who is where (see DEMO_STORIES): 安平县丝网产业集群 (county-131125, city-131100) keeps two of its three slots free
so a visitor can submit (ent-131125-1), pass, rank and forward; 清河县 (county-130534, city-130500) holds the
final states, decided by a closed and carried-out meeting and published.
"""

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from applications.fields import VERIFIED_FIELDS
from applications.models import Application, Enterprise, Honour, Material, MaterialKind, PartnerSME, State
from demo.codes import synthetic_credit_code
from portal.accounts.models import ADMIN_ROLES, Role, User
from portal.accounts.validators import DEMO_PASSWORD  # published; refused for any password set in the portal
from portal.directory.cluster_import import import_clusters
from portal.directory.models import Campaign, CampaignState, Cluster, Division
from portal.directory.reference import load_divisions, read_csv

OFFICIALS = [
    ("admin", Role.SYSADMIN, None, "系统管理员"),
    ("auditor", Role.AUDITOR, None, "审计管理员"),
    ("province", Role.PROVINCE, "130000", "省局产业指导处"),
    ("city-131100", Role.CITY, "131100", "衡水市工信局"),
    ("city-130500", Role.CITY, "130500", "邢台市工信局"),
    ("county-131125", Role.COUNTY, "131125", "安平县中小企业局"),
    ("county-130534", Role.COUNTY, "130534", "清河县中小企业局"),
]

ENTERPRISES = [
    # username, name, credit code (None: generated), county, cluster
    ("ent-131125-1", "河北安平丝网股份有限公司", "91131125MA0CX7R254", "131125", "安平县丝网产业集群"),
    ("ent-131125-2", "安平县恒通金属网业有限公司", None, "131125", "安平县丝网产业集群"),
    ("ent-131125-3", "衡水瑞达丝网制品有限公司", None, "131125", "安平县丝网产业集群"),
    ("ent-131125-4", "安平县利祥五金网业有限公司", None, "131125", "安平县丝网产业集群"),
    ("ent-131125-5", "河北冀安防护网科技有限公司", None, "131125", "安平县丝网产业集群"),
    ("ent-130534-1", "清河县宏润羊绒制品有限公司", "91130534MA07LK3D89", "130534", "清河县羊绒及制品产业集群"),
    ("ent-130534-2", "河北清河绒都纺织有限公司", None, "130534", "清河县羊绒及制品产业集群"),
    ("ent-130534-3", "清河县恒锐汽车零部件有限公司", None, "130534", "清河汽车及零部件产业集群"),
    ("ent-130534-4", "河北清河精工合金刀具有限公司", None, "130534", "清河稀有金属(暨合金刀具/再生利用)产业集群"),
    ("ent-130534-5", "清河县永安汽车饰件有限公司", None, "130534", "清河汽车及零部件产业集群"),
]

def demo_campaign_dates(today: dt.date):
    """Deadlines in the future, so that a visitor can try every step; the city's is 10月31日."""
    enterprise = today + dt.timedelta(days=60)
    county = today + dt.timedelta(days=120)
    city = dt.date(county.year, 10, 31)
    if city <= county:
        city = dt.date(county.year + 1, 10, 31)
    return {
        "opens_on": today - dt.timedelta(days=30),
        "enterprise_deadline": enterprise,
        "county_deadline": county,
        "city_deadline": city,
    }


def load_demo_clusters() -> None:
    """The 68 real clusters of fixtures/hebei_clusters_seed.csv through the same importer the admin uses."""
    by_name = {d.name: d.code for d in Division.objects.county_level()}
    lines = ["name,county_code,industry,confirmed_year"]
    for row in read_csv("hebei_clusters_seed.csv"):
        code = row["county_code"] or by_name.get(row["county"], "")
        lines.append(",".join([row["name"], code, row["industry"].replace(",", "、"), "2024"]))
    report = import_clusters("demo_clusters.csv", "\n".join(lines).encode())
    if not report.ok:
        raise RuntimeError(report.summary())


def ensure_user(username, **fields):
    user, created = User.objects.get_or_create(username=username, defaults={**fields, "is_demo": True})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed_demo():
    # The demo's history is not news: the in-portal notifications are written, nobody is e-mailed.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _seed_demo()


@transaction.atomic
def _seed_demo():
    load_divisions()
    load_demo_clusters()
    campaign = Campaign.objects.filter(year=2024).first()
    if campaign is None:
        Campaign.objects.filter(state=CampaignState.OPEN).update(state=CampaignState.CLOSED)
        campaign = Campaign.objects.create(
            year=2024,
            title="2024年度河北省产业集群龙头企业认定",
            document_number="冀企产〔2024〕12号",
            quota_per_cluster=3,
            certificate_prefix="冀企产龙〔2024〕",
            state=CampaignState.OPEN,
            **demo_campaign_dates(timezone.localdate()),
        )
    for code, (office, phone) in DEMO_OFFICES.items():
        # Filled once; what the 系统管理员 later enters in the admin is never overwritten.
        Division.objects.filter(code=code, office_name="").update(office_name=office, office_phone=phone)
    for username, role, unit, name in OFFICIALS:
        ensure_user(
            username, role=role, unit_id=unit, full_name=name, email=f"{username}@demo.smehb.gov.cn",
            is_staff=role in ADMIN_ROLES, is_superuser=role in ADMIN_ROLES,
        )
    for serial, (username, name, code, county, cluster_name) in enumerate(ENTERPRISES, start=1):
        cluster = Cluster.objects.get(name=cluster_name)
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=code or synthetic_credit_code(county, 1000 + serial),
            defaults={
                "name": name,
                "county_id": county,
                "cluster": cluster,
                "legal_representative": "张建国",
                "contact_name": "李明",
                "contact_phone": "0318-7521234",
                "email": f"{username}@demo.example.cn",
                "address": f"河北省{cluster.county.parent.name}{cluster.county.name}工业园区{serial}号",
            },
        )
        ensure_user(username, role=Role.ENTERPRISE, enterprise=enterprise, full_name="李明", email=enterprise.email)
    seed_demo_applications(campaign)
    return campaign


# ---------------------------------------------------------------------------------------------------------------
# Applications in every state
# ---------------------------------------------------------------------------------------------------------------

# The demo units' responsible departments (Division.office_name / office_phone; the 系统管理员 keeps them).
DEMO_OFFICES = {
    "131125": ("安平县工业和信息化局", "0318-7522345"),
    "130534": ("清河县工业和信息化局", "0319-8162301"),
    "131100": ("衡水市工业和信息化局", "0318-2125678"),
    "130500": ("邢台市工业和信息化局", "0319-3686012"),
}

DEMO_FIELDS = {
    "report_basic": "企业成立于2003年，是集研发、生产、销售于一体的骨干企业，现有职工860人。",
    "report_position": "上年度营业收入位居集群前列，带动上下游就业三千余人，是县域经济的重要支撑。",
    "report_brand": "主导产品获河北省名牌产品称号，注册商标为河北省著名商标。",
    "report_innovation": "建有省级企业技术中心，拥有自动化生产线12条，新产品开发能力在集群内领先。",
    "report_cooperation": "与集群内30余家中小企业建立稳定的协作配套关系，统一质量标准。",
    "report_energy": "实施节能技术改造，单位产值能耗三年下降18%。",
    "report_responsibility": "依法纳税、诚信经营，积极参与公益事业。",
    "report_leading": "带动12家中小企业协作配套，提供技术指导和订单支持。",
    "established_on": dt.date(2003, 6, 18),
    "independent_legal_person": True,
    "revenue": 52000,
    "tax_total": 2600,
    "total_assets": 80000,
    "owners_equity": 48000,
    "rd_spend": 2080,
    "net_profit": 4160,
    "revenue_y2": 47300,
    "revenue_y3": 43100,
    "tax_total_y2": 2380,
    "tax_total_y3": 2150,
    "net_profit_y2": 3790,
    "net_profit_y3": 3320,
    "rd_spend_y2": 1850,
    "rd_spend_y3": 1600,
    "registered_capital": 12000,
    "employees": 860,
    "rd_staff": 96,
    "main_products": "不锈钢丝网、过滤网",
    "market_share": 8.5,
    "postal_address": "河北省衡水市安平县工业园区",
    "postcode": "053600",
    "contact_mobile": "13903181234",
    "contact_email": "liming@demo.example.cn",
    "cluster_rank": 1,
    "iso9000_number": "00123Q45678R0M",
    "iso9000_issuer": "中国质量认证中心",
    "iso9000_valid_until": dt.date(2030, 12, 31),
    "rd_institution_name": "河北省企业技术中心",
    "rd_institution_level": "省级",
    "patents_invention": 2,
    "patents_utility": 6,
    "patents_design": 1,
    "declares_policy_compliance": True,
    "declares_no_accidents": True,
    "declares_no_violations": True,
    "declares_truthful": True,
}

DEMO_HONOURS = [
    ("famous_trademark", "provincial", "河北省著名商标", 2019, "河北省工商行政管理局"),
    ("credit", "provincial", "河北省守合同重信用企业", 2021, "河北省市场监督管理局"),
    ("high_tech", "national", "高新技术企业证书", 2022, "河北省科学技术厅"),
]

COUNTY_OFFICIAL = {"131125": "county-131125", "130534": "county-130534"}
CITY_OFFICIAL = {"131125": "city-131100", "130534": "city-130500"}


@dataclass(frozen=True)
class Story:
    """How one demo enterprise's application got where it is: its figures and the steps taken, in order."""

    state: str
    steps: tuple = ()  # "submit", "withdraw", "verify", ("act", action, opinion[, return targets]), ("rank", n)
    figures: tuple = ()  # overrides of DEMO_FIELDS as (name, value) pairs
    verified: tuple = ()  # overrides of the declared figures in the county's 核实情况证明


PASSED = ("submit", "verify", ("act", "county_pass", "经核实，企业申报数据属实，符合申报条件，同意推荐。"))
DEMO_STORIES = {
    # 安平县丝网产业集群: room for the visitor's journey (only ent-131125-5 is forwarded: 1/3).
    "ent-131125-1": Story(State.DRAFT, (), (("revenue", 61000), ("rd_spend", 2440), ("cluster_rank", 1))),
    "ent-131125-2": Story(
        State.RETURNED,
        ("submit", ("act", "county_return", "上一年度纳税证明未加盖税务部门印章，请补充上传盖章的纳税证明后重新提交。",
                    ("material-tax",))),
        (("revenue", 23800), ("tax_total", 1150), ("rd_spend", 900), ("cluster_rank", 2)),
    ),
    "ent-131125-3": Story(
        State.CITY_REVIEW, (*PASSED, ("rank", 2)), (("revenue", 31500), ("tax_total", 1620), ("rd_spend", 1100), ("cluster_rank", 3)),
        (("revenue", 30980), ("cluster_rank", 3)),
    ),
    "ent-131125-4": Story(
        State.COUNTY_REVIEW, ("submit",), (("revenue", 27600), ("tax_total", 1380), ("rd_spend", 900), ("cluster_rank", 2)),
    ),
    "ent-131125-5": Story(
        State.PROVINCE_REVIEW,
        (*PASSED, ("rank", 1), ("act", "city_forward", "经审核，该企业在集群内规模和实力排名第一，同意上报。")),
        (("revenue", 45200), ("tax_total", 2310), ("rd_spend", 1500), ("cluster_rank", 1)),
    ),
    # 清河县: the final states.
    "ent-130534-1": Story(
        State.REJECTED,
        ("submit", "verify", ("act", "county_reject", "经核实，企业上年度营业收入为8,600万元，未达到1亿元，不予推荐。")),
        (("revenue", 12000), ("tax_total", 640), ("rd_spend", 400), ("cluster_rank", 2)),
        (("revenue", 8600), ("tax_total", 610)),
    ),
    "ent-130534-2": Story(
        State.WITHDRAWN, ("submit", "withdraw"), (("revenue", 15600), ("tax_total", 820), ("rd_spend", 520), ("cluster_rank", 3)),
    ),
    "ent-130534-3": Story(
        State.AWARDED,
        (*PASSED, ("rank", 1), ("act", "city_forward", "集群内排名第一，同意上报。")),
        (("revenue", 68000), ("tax_total", 3400), ("rd_spend", 2700), ("cluster_rank", 1)),
    ),
    "ent-130534-4": Story(
        State.AWARDED,
        (*PASSED, ("rank", 1), ("act", "city_forward", "集群内排名第一，同意上报。")),
        (("revenue", 43000), ("tax_total", 2150), ("rd_spend", 1350), ("cluster_rank", 1)),
    ),
    "ent-130534-5": Story(
        State.NOT_AWARDED,
        (*PASSED, ("rank", 2), ("act", "city_forward", "集群内排名第二，同意上报。")),
        (("revenue", 26000), ("tax_total", 1300), ("rd_spend", 800), ("cluster_rank", 3)),
    ),
}
DEMO_MEETING = "2024年度河北省产业集群龙头企业认定会议（第一次）"
DEMO_SECOND_MEETING = "2024年度河北省产业集群龙头企业认定会议（第二次）"
DEMO_IN_PUBLICITY = "ent-131125-5"  # decided by the second meeting, its 公示 running, one objection open
DEMO_DECISIONS = [("ent-130534-3", "award", 1), ("ent-130534-4", "award", 2), ("ent-130534-5", "decline", None)]
DEMO_SPOT_CHECK_SEED = "demo-2024"


def _pdf_string(line: str) -> bytes:
    return line.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def demo_pdf(*lines: str) -> bytes:
    """A small valid one-page PDF showing `lines` (ASCII), standing in for a scanned document."""
    text = b"".join(
        b"BT /F1 %d Tf 60 %d Td (%s) Tj ET\n" % (22 if i == 0 else 14, 760 - 34 * i, _pdf_string(line))
        for i, line in enumerate(lines)
    )
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        b"<</Length %d>>\nstream\n%sendstream" % (len(text), text),
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def demo_png(*lines: str) -> bytes:
    """A scanned-looking image (for the image preview) with `lines` of ASCII text."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (900, 620), "#fbf7ee")
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, 880, 600], outline="#b3181d", width=6)
    font = ImageFont.load_default(size=30)
    for i, line in enumerate(lines):
        draw.text((70, 80 + 60 * i), line, fill="#222222", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _add_demo_materials(application, user):
    code = application.enterprise.credit_code
    files = [
        (MaterialKind.LICENCE, "营业执照副本.png", demo_png("DEMO - Business licence (copy)", f"USCC {code}", "Issued by Market Supervision Bureau")),
        (MaterialKind.TAX, "上年度纳税证明.pdf", demo_pdf("DEMO - Tax payment certificate", f"USCC {code}", "Year 2023")),
        (MaterialKind.CREDIT, "企业资信证明.pdf", demo_pdf("DEMO - Credit standing certificate", f"USCC {code}")),
        (MaterialKind.HONOURS, "河北省著名商标证书.pdf", demo_pdf("DEMO - Hebei famous trademark", f"USCC {code}")),
        (MaterialKind.HONOURS, "ISO9001认证证书.pdf", demo_pdf("DEMO - ISO 9001 certificate", "00123Q45678R0M")),
    ]
    for kind, name, content in files:
        material = Material(
            application=application, kind=kind, original_name=name,
            content_type="image/png" if name.endswith(".png") else "application/pdf",
            size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=user,
        )
        material.file.save(name, ContentFile(content), save=False)
        material.save()


def _create_demo_application(campaign, enterprise, user, story, serial):
    fields = {**DEMO_FIELDS, **dict(story.figures)}
    application = Application.objects.create(
        campaign=campaign, enterprise=enterprise, cluster=enterprise.cluster, **fields
    )
    for kind, level, name, year, issuer in DEMO_HONOURS:
        Honour.objects.create(application=application, kind=kind, level=level, name=name, year=year, issuer=issuer)
    county = enterprise.county_id
    for n in range(12):
        PartnerSME.objects.create(
            application=application,
            name=f"{enterprise.county.name}协作配套企业{n + 1}号",
            credit_code=synthetic_credit_code(county, 20000 + serial * 20 + n),
            cooperation=["零部件配套", "外协加工", "原材料供应", "技术合作"][n % 4],
        )
    _add_demo_materials(application, user)
    return application


def _walk(application, story, users):
    from review.services import county_verification_save, perform_transition

    county = application.enterprise.county_id
    enterprise_user = users[application.enterprise_id]
    for step in story.steps:
        if step in ("submit", "withdraw"):
            perform_transition(application_id=application.pk, action=step, actor=enterprise_user)
        elif step == "verify":
            declared = {name: getattr(application, name) for name in VERIFIED_FIELDS}
            county_verification_save(
                application_id=application.pk, actor=users[COUNTY_OFFICIAL[county]],
                data={**declared, **dict(story.verified), "remarks": "已核对税务、统计部门数据。"}, version=0,
            )
        elif step[0] == "rank":
            Application.objects.filter(pk=application.pk).update(city_rank=step[1])
        else:
            _, action, opinion, *targets = step
            official = COUNTY_OFFICIAL[county] if action.startswith("county") else CITY_OFFICIAL[county]
            perform_transition(
                application_id=application.pk, action=action, actor=users[official], opinion=opinion,
                return_targets=targets[0] if targets else (),
            )


def seed_demo_applications(campaign):
    """Each demo enterprise's application, walked to its state once; an existing application is left as it is."""
    from demo.titles import seed_running_publicity, seed_title_history
    from review import services
    from review.models import Meeting
    from titles import services as title_services

    users = {u.username: u for u in User.objects.filter(username__in=[*COUNTY_OFFICIAL.values(), *CITY_OFFICIAL.values(), "province"])}
    created = {}
    for serial, (username, *_rest) in enumerate(ENTERPRISES, start=1):
        user = User.objects.select_related("enterprise__county", "enterprise__cluster").get(username=username)
        enterprise = user.enterprise
        users[enterprise.pk] = user
        if Application.objects.filter(campaign=campaign, enterprise=enterprise).exists():
            continue
        story = DEMO_STORIES[username]
        application = _create_demo_application(campaign, enterprise, user, story, serial)
        _walk(application, story, users)
        created[username] = application

    decided = [created.get(username) for username, _, _ in DEMO_DECISIONS]
    if all(decided) and not Meeting.objects.filter(campaign=campaign, name=DEMO_MEETING).exists():
        province = users["province"]
        draw = services.spot_check_draw(actor=province, campaign=campaign, share_percent=50, seed=DEMO_SPOT_CHECK_SEED)
        for check in draw.checks.all():
            services.spot_check_record(actor=province, check_id=check.pk, result="pass", notes="现场核查营业执照、纳税证明原件，与申报一致。")
        today = timezone.localdate()
        meeting = services.meeting_create(
            actor=province, campaign=campaign, name=DEMO_MEETING, held_on=today - dt.timedelta(days=14),
            minutes_number="冀企产会纪〔2024〕3号",
        )
        services.meeting_save_decisions(
            actor=province, meeting_id=meeting.pk,
            decisions=[
                services.DecisionInput(application_id=application.pk, decision=decision, rank=rank,
                                       note="" if decision == "award" else "科技投入占比偏低，综合排名靠后。")
                for application, (_, decision, rank) in zip(decided, DEMO_DECISIONS, strict=True)
            ],
        )
        services.meeting_close(actor=province, meeting_id=meeting.pk)
        # The 拟认定名单 was on public notice for five working days, with no objection, before the 认定.
        title_services.publicity_publish(actor=province, meeting_id=meeting.pk, starts_on=today - dt.timedelta(days=12))
        services.meeting_award(actor=province, meeting_id=meeting.pk)
        services.campaign_publish_results(actor=province, campaign=campaign)
        second = services.meeting_create(
            actor=province, campaign=campaign, name=DEMO_SECOND_MEETING, held_on=today - dt.timedelta(days=1),
            minutes_number="冀企产会纪〔2024〕4号",
        )
        services.meeting_save_decisions(
            actor=province, meeting_id=second.pk,
            decisions=[services.DecisionInput(application_id=created[DEMO_IN_PUBLICITY].pk, decision="award", rank=1)],
        )
        services.meeting_close(actor=province, meeting_id=second.pk)
        seed_running_publicity(second, province)
        seed_title_history(users)
