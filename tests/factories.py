"""Factories for every test: a campaign that is open, enterprises in 安平县, complete and eligible applications."""

import datetime as dt
import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Application, Enterprise, Honour, Material, MaterialKind, PartnerSME
from demo.seed import synthetic_credit_code
from portal.accounts.models import Role, User
from portal.directory.models import Campaign, CampaignState, Cluster

PASSWORD = "Test#2024pass"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ["year"]

    year = 2024
    title = factory.LazyAttribute(lambda o: f"{o.year}年度河北省产业集群龙头企业认定")
    document_number = factory.LazyAttribute(lambda o: f"冀企产〔{o.year}〕12号")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    enterprise_deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    county_deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    city_deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))
    quota_per_cluster = 3
    certificate_prefix = factory.LazyAttribute(lambda o: f"冀企产龙〔{o.year}〕")
    state = CampaignState.OPEN
    # Tests of the review workflow award straight after the meeting; tests/titles turn the 公示 on.
    publicity_required = False


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster
        django_get_or_create = ["name"]

    name = "安平县丝网产业集群"
    county_id = "131125"
    industry = "丝网"
    confirmed_year = 2020


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"安平县第{n}丝网有限公司")
    credit_code = factory.Sequence(lambda n: synthetic_credit_code("131125", 5000 + n))
    cluster = factory.SubFactory(ClusterFactory)
    county_id = factory.LazyAttribute(lambda o: o.cluster.county_id)
    legal_representative = "王强"
    contact_name = "赵丽"
    contact_phone = "13812345678"
    email = factory.Sequence(lambda n: f"ent{n}@example.cn")
    address = "河北省衡水市安平县工业园区"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    role = Role.ENTERPRISE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def enterprise_user(enterprise=None, **kwargs):
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise or EnterpriseFactory(), **kwargs)


def county_official(code="131125", **kwargs):
    return UserFactory(role=Role.COUNTY, unit_id=code, **kwargs)


def city_official(code="131100", **kwargs):
    return UserFactory(role=Role.CITY, unit_id=code, **kwargs)


def province_official(**kwargs):
    return UserFactory(role=Role.PROVINCE, unit_id="130000", **kwargs)


def sysadmin(**kwargs):
    return UserFactory(role=Role.SYSADMIN, is_staff=True, is_superuser=True, **kwargs)


def auditor(**kwargs):
    return UserFactory(role=Role.AUDITOR, **kwargs)


def user_of_role(role):
    """A user of `role` as the factories above make one (an enterprise's user with its enterprise)."""
    return {
        Role.ENTERPRISE: enterprise_user,
        Role.COUNTY: county_official,
        Role.CITY: city_official,
        Role.PROVINCE: province_official,
        Role.SYSADMIN: sysadmin,
        Role.AUDITOR: auditor,
    }[role]()


ELIGIBLE_FIELDS = {
    "report_basic": "企业成立于2005年，主营丝网制品。",
    "report_position": "县域龙头，带动就业三千人。",
    "report_brand": "拥有河北省著名商标。",
    "report_innovation": "建有省级技术中心，装备水平领先。",
    "report_cooperation": "与集群内企业建立协作配套关系。",
    "report_energy": "单位产值能耗逐年下降。",
    "report_responsibility": "依法纳税，热心公益。",
    "report_leading": "带动12家中小企业协作配套。",
    "established_on": dt.date(2005, 3, 1),
    "independent_legal_person": True,
    "revenue": Decimal("52000.00"),
    "tax_total": Decimal("2600.00"),
    "total_assets": Decimal("80000.00"),
    "owners_equity": Decimal("48000.00"),
    "rd_spend": Decimal("2080.00"),
    "cluster_rank": 1,
    "iso9000_number": "00123Q45678R0M",
    "iso9000_issuer": "中国质量认证中心",
    "iso9000_valid_until": dt.date(2030, 12, 31),
    "rd_institution_name": "河北省丝网工程技术研究中心",
    "rd_institution_level": "省级",
    "patents_invention": 2,
    "patents_utility": 5,
    "patents_design": 1,
    "declares_policy_compliance": True,
    "declares_no_accidents": True,
    "declares_no_violations": True,
    "declares_truthful": True,
}

ELIGIBLE_HONOURS = [
    ("famous_trademark", "provincial", "河北省著名商标", 2019, "河北省工商行政管理局"),
    ("credit", "provincial", "河北省守合同重信用企业", 2021, "河北省市场监督管理局"),
    ("high_tech", "national", "高新技术企业证书", 2022, "河北省科学技术厅"),
]


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An empty draft; see `eligible_application()` for one that can be submitted."""

    class Meta:
        model = Application

    campaign = factory.SubFactory(CampaignFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    cluster = factory.LazyAttribute(lambda o: o.enterprise.cluster)


def add_material(application, kind=MaterialKind.LICENCE, *, content=MINIMAL_PDF, name="营业执照.pdf", user=None):
    import hashlib

    material = Material(
        application=application,
        kind=kind,
        original_name=name,
        content_type="application/pdf" if content.startswith(b"%PDF") else "image/png",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user or application.enterprise.users.first() or enterprise_user(application.enterprise),
    )
    material.file.save(name, ContentFile(content), save=False)
    material.save()
    return material


def eligible_application(**kwargs):
    """A draft that meets every condition, with honours, 12 partners and every required material."""
    application = ApplicationFactory(**ELIGIBLE_FIELDS, **kwargs)
    for kind, level, name, year, issuer in ELIGIBLE_HONOURS:
        Honour.objects.create(application=application, kind=kind, level=level, name=name, year=year, issuer=issuer)
    for n in range(12):
        PartnerSME.objects.create(
            application=application,
            name=f"安平县协作企业{n + 1}",
            credit_code=synthetic_credit_code("131125", 9000 + application.pk * 20 + n),
            cooperation="零部件配套",
        )
    user = application.enterprise.users.first() or enterprise_user(application.enterprise)
    for kind in (MaterialKind.LICENCE, MaterialKind.TAX, MaterialKind.CREDIT, MaterialKind.HONOURS):
        add_material(application, kind, user=user)
    return application
