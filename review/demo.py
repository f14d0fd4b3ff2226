"""Demo data (seed_demo): the 2024 campaign, the real clusters, the demo accounts and their enterprises.

Idempotent: running it again finds what exists and changes nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from applications import uscc
from applications.models import Enterprise
from portal.accounts.models import Role, User
from portal.directory.cluster_import import import_clusters
from portal.directory.models import Campaign, CampaignState, Cluster, Division
from portal.directory.reference import load_divisions, read_csv

DEMO_PASSWORD = "Demo#2024hb"  # noqa: S105 - documented demo password, usable only in demo data

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
]

ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_code_value(char):
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def synthetic_credit_code(county_code: str, serial: int) -> str:
    """A valid synthetic 统一社会信用代码: 91 + county + GB 11714 organisation code + GB 32100 check."""
    body, n = "", serial
    for _ in range(6):
        n, r = divmod(n, len(uscc.CHARSET))
        body = uscc.CHARSET[r] + body
    body = "MA" + body
    c = 11 - sum(org_code_value(ch) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    org_check = {10: "X", 11: "0"}.get(c, str(c))
    first17 = f"91{county_code}{body}{org_check}"
    if org_check == "X" and "X" not in uscc.CHARSET:  # pragma: no cover - X is in the charset
        raise ValueError
    return first17 + uscc.expected_check_character(first17)


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


@transaction.atomic
def seed_demo():
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
    for username, role, unit, name in OFFICIALS:
        ensure_user(
            username, role=role, unit_id=unit, full_name=name, email=f"{username}@demo.smehb.gov.cn",
            is_staff=role == Role.SYSADMIN, is_superuser=role == Role.SYSADMIN,
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
    return campaign
