"""The authorization matrix (等保 8.1.4.2, ASVS V8): every URL pattern of the project, for every role and
anonymous, inside and outside the object's jurisdiction, answers exactly what the table below says.

The patterns come from the URL resolver, so a new page is covered automatically: a pattern without a row
in TABLE fails its test until someone writes down who may open it.

Conventions the table encodes (and the views follow):
- anonymous → 302 to the login page (public pages: 200);
- wrong role → 403, including 系统管理员 and 审计管理员 on every business page (separation of duties);
- right role, object outside the jurisdiction → 404, as if it did not exist (no IDOR).
"""

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib import admin
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, MaterialKind
from portal.accounts.models import Role
from portal.directory.models import Division
from portal.directory.reference import load_divisions
from review.documents.services import letter_issue
from review.models import (
    CertificateBatch,
    IssuedLetter,
    LetterKind,
    Objection,
    Publicity,
    PublicityEntry,
    ReviewRecord,
)
from review.services import (
    DecisionInput,
    application_set_city_ranks,
    campaign_publish_results,
    county_verification_save,
    meeting_award,
    meeting_close,
    meeting_create,
    meeting_save_decisions,
    perform_transition,
    spot_check_draw,
    spot_check_record,
)
from tests.factories import (
    MINIMAL_PDF,
    CampaignFactory,
    ClusterFactory,
    EnterpriseFactory,
    auditor,
    city_official,
    county_official,
    eligible_application,
    province_official,
    sysadmin,
)
from tests.security.conftest import current_code, give_device
from titles.views import RECEIPT_SALT

ACTORS = (
    "anonymous", "owner_a", "owner_b", "county_131125", "county_130534", "city_131100", "city_130500",
    "province", "sysadmin", "auditor",
)
LOGIN = "302 → login"  # a redirect to the portal's login page
REDIRECT = "302"  # a redirect that is not a demand to log in (a refusal shown as a message, a finished POST…)
ADMIN_LOGIN = "302 → admin login"
SYSADMIN_IN_ADMIN = "anything but a server error or a login demand"  # the 系统管理员 in the admin
INTERNAL_NOTE = "内部备注：企业财务数据待税务部门复核"


def answers(default=403, *, anonymous=LOGIN, **given) -> dict:
    """Expected answer per actor: `default` for every signed-in actor not named."""
    table = dict.fromkeys(ACTORS, default)
    table["anonymous"] = anonymous
    unknown = set(given) - set(ACTORS)
    assert not unknown, unknown
    table.update(given)
    return table


# Objects of enterprise A (安平县 131125 → 衡水市 131100); B is in 清河县 130534 → 邢台市 130500.
OWNER_OF_A = {"owner_a": 200, "owner_b": 404}
OFFICIALS_OF_A = {"county_131125": 200, "county_130534": 404, "city_131100": 200, "city_130500": 404, "province": 200}
ENTERPRISE_PAGE_OF_A = answers(**OWNER_OF_A)
OFFICIAL_PAGE_OF_A = answers(**OFFICIALS_OF_A)
DOCUMENT_OF_A = answers(**OWNER_OF_A, **OFFICIALS_OF_A)
PUBLIC = answers(200, anonymous=200)
SIGNED_IN = answers(200)
PROVINCE_ONLY = answers(province=200)
COUNTY_ONLY = answers(county_131125=200, county_130534=200)
CITY_ONLY = answers(city_131100=200, city_130500=200)
ENTERPRISE_ONLY = answers(owner_a=200, owner_b=200)


@dataclass(frozen=True)
class Row:
    expect: dict
    kwargs: Callable = lambda w: {}
    method: str = "GET"
    data: Callable = lambda w: {}
    query: str | Callable = ""  # or a function of the world, for a query naming its objects
    note: str = ""


# One entry per URL name (or, for unnamed patterns, the route). A tuple checks several objects.
TABLE = {
    "home": Row(answers(REDIRECT, anonymous=200), note="the 办事指南 for anyone not signed in, else the role's home"),
    "guide": Row(PUBLIC),
    "guide_notice": Row(PUBLIC),
    "guide_template": Row(PUBLIC, kwargs=lambda w: {"name": "report-outline", "extension": "docx"}),
    "health": Row(PUBLIC),
    "verify": Row(PUBLIC, kwargs=lambda w: {"token": w.certificate_token}),
    "verify_document": Row(PUBLIC, kwargs=lambda w: {"sha256": w.signed_sha256}),
    # accounts
    "accounts:login": Row(answers(REDIRECT, anonymous=200)),
    "accounts:logout": Row(answers(REDIRECT, anonymous=REDIRECT), method="POST"),
    "accounts:password_change": Row(SIGNED_IN),
    "accounts:password_reset": Row(PUBLIC),
    "accounts:password_reset_done": Row(PUBLIC),
    "accounts:password_reset_confirm": Row(
        PUBLIC, kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"}, note="an invalid link: 链接已失效",
    ),
    "accounts:password_reset_complete": Row(PUBLIC),
    "accounts:otp_verify": Row(answers(REDIRECT), note="already verified (or not required): on to `next`"),
    "accounts:otp_enrol": Row(answers(REDIRECT)),
    "accounts:sysadmin_home": Row(answers(sysadmin=200)),
    # the enterprise's pages (application A is 已认定: the edit pages send the owner to the read-only view)
    "applications:home": Row(ENTERPRISE_ONLY),
    "applications:register": Row(answers(REDIRECT, anonymous=200)),
    "applications:start": (
        Row(answers(owner_a=REDIRECT, owner_b=REDIRECT), method="POST"),
        Row(
            answers(owner_a=404, owner_b=REDIRECT), method="POST", data=lambda w: {"copy_from": w.b.pk},
            note="copying another enterprise's application",
        ),
    ),
    "applications:detail": (
        Row(ENTERPRISE_PAGE_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
        Row(answers(owner_a=404, owner_b=200), kwargs=lambda w: {"pk": w.b.pk}, note="object of B"),
    ),
    "applications:report": Row(answers(owner_a=REDIRECT, owner_b=404), kwargs=lambda w: {"pk": w.a.pk}),
    "applications:form": Row(answers(owner_a=REDIRECT, owner_b=404), kwargs=lambda w: {"pk": w.a.pk}),
    "applications:checklist": Row(ENTERPRISE_PAGE_OF_A, kwargs=lambda w: {"pk": w.a.pk}, method="POST"),
    "applications:materials": Row(ENTERPRISE_PAGE_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
    "applications:submit": Row(answers(owner_a=REDIRECT, owner_b=404), kwargs=lambda w: {"pk": w.a.pk}),
    "applications:withdraw": Row(
        answers(owner_a=REDIRECT, owner_b=404), kwargs=lambda w: {"pk": w.a.pk}, method="POST",
    ),
    "applications:material_delete": Row(
        answers(owner_a=REDIRECT, owner_b=404), kwargs=lambda w: {"pk": w.material_a.pk}, method="POST",
        note="locked once submitted: the owner is told so",
    ),
    "applications:material_download": (
        Row(DOCUMENT_OF_A, kwargs=lambda w: {"pk": w.material_a.pk}),
        Row(
            answers(owner_b=200, owner_a=404, county_130534=200, county_131125=404, city_130500=200, city_131100=404,
                    province=200),
            kwargs=lambda w: {"pk": w.material_b.pk}, note="material of B",
        ),
    ),
    # review: county
    "review:county_home": Row(COUNTY_ONLY),
    "review:county_queue": Row(COUNTY_ONLY),
    "review:verification": Row(
        answers(county_131125=200, county_130534=404), kwargs=lambda w: {"pk": w.a.pk},
    ),
    "review:verification_reconfirm": Row(
        answers(county_131125=REDIRECT, county_130534=404), kwargs=lambda w: {"pk": w.a.pk}, method="POST",
        note="application A is decided: the county is told it cannot change the verification",
    ),
    # review: city
    "review:city_home": Row(CITY_ONLY),
    "review:city_clusters": Row(CITY_ONLY),
    "review:city_cluster_rank": Row(
        answers(city_131100=REDIRECT, city_130500=404), kwargs=lambda w: {"cluster_id": w.a.cluster_id},
        method="POST", data=lambda w: {"year": w.campaign.year},
    ),
    "review:city_cluster_forward": Row(
        answers(city_131100=200, city_130500=404), kwargs=lambda w: {"pk": w.a.pk}, method="POST",
        data=lambda w: {"opinion": "同意上报。"}, note="A is 已认定: the refusal is shown on the cluster page",
    ),
    # review: province (the province's jurisdiction is the whole province)
    "review:province_home": Row(PROVINCE_ONLY),
    "review:province_list": Row(PROVINCE_ONLY),
    "review:spot_checks": Row(PROVINCE_ONLY),
    "review:spot_check_draw": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.draw.pk}),
    "review:spot_check_record": Row(
        answers(province=REDIRECT), kwargs=lambda w: {"pk": w.check_a.pk}, method="POST",
        data=lambda w: {f"check{w.check_a.pk}-result": "pass", f"check{w.check_a.pk}-notes": "材料与原件一致"},
    ),
    "review:spot_check_file": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.check_a.pk}),
    "review:meetings": Row(PROVINCE_ONLY),
    "review:meeting_detail": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.meeting.pk}),
    "review:meeting_close": Row(answers(province=REDIRECT), kwargs=lambda w: {"pk": w.meeting.pk}, method="POST"),
    "review:meeting_award": Row(answers(province=REDIRECT), kwargs=lambda w: {"pk": w.meeting.pk}, method="POST"),
    "review:publish_results": Row(answers(province=REDIRECT), method="POST"),
    "review:extend_deadline": Row(PROVINCE_ONLY),
    # review: every official
    "review:application_detail": (
        Row(OFFICIAL_PAGE_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
        Row(
            answers(county_130534=200, county_131125=404, city_130500=200, city_131100=404, province=200),
            kwargs=lambda w: {"pk": w.b.pk}, note="object of B",
        ),
    ),
    "review:transition": Row(
        # Inside the jurisdiction the service answers: the county is told the state moved on (200, the
        # page again with what was typed); the city and the province may never take a county action (403).
        answers(county_131125=200, county_130534=404, city_131100=403, city_130500=404, province=403),
        kwargs=lambda w: {"pk": w.a.pk}, method="POST",
        data=lambda w: {"action": "county_pass", "opinion": "同意推荐。", "expected_state": "county_review"},
    ),
    "review:notifications": Row(SIGNED_IN),
    "review:notifications_read_all": Row(answers(REDIRECT), method="POST"),
    "review:public_awarded": Row(PUBLIC),
    # audit
    "audit:log": Row(answers(auditor=200)),
    "audit:export": Row(answers(auditor=200)),
    # documents
    "documents:report_pdf": Row(DOCUMENT_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
    "documents:form_pdf": Row(DOCUMENT_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
    "documents:receipt_pdf": Row(DOCUMENT_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
    "documents:verification_pdf": Row(DOCUMENT_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
    "documents:certificate_pdf": Row(DOCUMENT_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
    "documents:dossier": Row(DOCUMENT_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
    "documents:paper_copy": Row(DOCUMENT_OF_A, kwargs=lambda w: {"pk": w.a.pk}),
    # the work lists' ticked rows (officials only): one application outside the jurisdiction refuses the batch
    "documents:dossiers_zip": (
        Row(answers(**OFFICIALS_OF_A), query=lambda w: f"?pk={w.a.pk}"),
        Row(answers(county_131125=404, county_130534=404, city_131100=404, city_130500=404, province=200),
            query=lambda w: f"?pk={w.a.pk}&pk={w.b.pk}", note="A and B ticked together"),
    ),
    "documents:print_applications": Row(answers(**OFFICIALS_OF_A), query=lambda w: f"?pk={w.a.pk}"),
    "documents:forwarded_bundle": Row(answers(city_131100=200, city_130500=200), note="each city its own"),
    "documents:letter_issue": (
        Row(answers(city_131100=200, city_130500=200), kwargs=lambda w: {"kind": "recommendation"}),
        Row(answers(province=200), kwargs=lambda w: {"kind": "announcement"}),
        Row(answers(province=200), kwargs=lambda w: {"kind": "revocation"}, note="撤销称号通报: the province's only"),
    ),
    "documents:summary_xlsx": Row(answers(city_131100=200, city_130500=200, province=200)),
    "documents:recommendation_letter": Row(
        answers(city_131100=200, city_130500=200, province=200), query="?city=131100",
        note="a city official always gets its own city's letter, whatever ?city= says",
    ),
    "documents:announcement_pdf": Row(PUBLIC, kwargs=lambda w: {"year": w.campaign.year}),
    "documents:revocation_notice_pdf": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.revocation_notice.pk}),
    "documents:certificate_batch": Row(PROVINCE_ONLY),
    "documents:certificate_batch_status": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.batch.pk}),
    "documents:certificate_batch_file": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.batch.pk, "kind": "pdf"}),
    # the 图形验证码 (django-simple-captcha): public like the forms that show it
    "captcha-image": Row(PUBLIC, kwargs=lambda w: {"key": w.captcha_key}),
    "captcha-image-2x": Row(PUBLIC, kwargs=lambda w: {"key": w.captcha_key}),
    "captcha-audio": Row(answers(404, anonymous=404), kwargs=lambda w: {"key": w.captcha_key}, note="no audio captcha"),
    "captcha-refresh": Row(answers(404, anonymous=404), note="answers only the page's own script (XMLHttpRequest)"),
    # the title after the meeting (titles/): 公示 and objections, certificates, monitoring, the dashboard
    "titles:publicity_public": Row(PUBLIC),
    "titles:objection_lodge": Row(PUBLIC, kwargs=lambda w: {"pk": w.publicity.pk}),
    "titles:objection_received": Row(PUBLIC, kwargs=lambda w: {"receipt": w.objection_receipt}),
    "titles:publicity_manage": Row(PROVINCE_ONLY),
    "titles:publicity_detail": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.publicity.pk}),
    "titles:objection_handle": Row(
        answers(province=REDIRECT), kwargs=lambda w: {"pk": w.objection.pk}, method="POST",
        data=lambda w: {"outcome": "dismissed", "reason": "经核查，不属实。"},
        note="the application is already 已认定: the province is told the objection can no longer be handled",
    ),
    "titles:objection_evidence": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.objection.pk}),
    "titles:my_titles": Row(ENTERPRISE_ONLY),
    "titles:monitoring_county": Row(COUNTY_ONLY),
    "titles:monitoring_province": Row(PROVINCE_ONLY),
    "titles:province_dashboard": Row(PROVINCE_ONLY),
    "titles:certificates": Row(PROVINCE_ONLY),
    "titles:certificate_detail": Row(PROVINCE_ONLY, kwargs=lambda w: {"pk": w.a.certificate.pk}),
}


def admin_expectation(name: str | None, route: str) -> dict:
    """The admin is the 系统管理员's alone. Anyone else is sent to the admin's login, which sends the anonymous
    to the portal's login (second factor included) and refuses a signed-in user outright (403)."""
    if name == "admin:login":
        return answers(403, sysadmin=REDIRECT)  # the signed-in 系统管理员 goes on to the admin's index
    if name == "admin:logout":
        # Django's admin: logging out is a POST (405 to a GET); anyone else is sent to the admin's index.
        return answers(REDIRECT, anonymous=REDIRECT, sysadmin=405)
    return answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, sysadmin=SYSADMIN_IN_ADMIN)


# ------------------------------------------------------------------------------------------------------------
# The URL patterns, from the resolver
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    converters: tuple = ()

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def url_patterns(patterns=None, prefix="", namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            route = prefix + str(entry.pattern)
            yield Pattern(name, route, tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)))


PATTERNS = list(url_patterns())


def test_every_url_pattern_has_a_row_in_the_table():
    missing = [p.key for p in PATTERNS if not p.is_admin and p.key not in TABLE]
    stale = sorted(set(TABLE) - {p.key for p in PATTERNS})
    assert not missing, (
        "These URL patterns have no row in TABLE (tests/security/test_authorization_matrix.py): "
        f"{missing}. Add one saying what each role gets (200 / 302 to login / 403 / 404) before shipping the page."
    )
    assert not stale, f"TABLE has rows for URL names that no longer exist: {stale}"


# ------------------------------------------------------------------------------------------------------------
# The world: two enterprises in two cities, each carried through the real workflow to 已认定
# ------------------------------------------------------------------------------------------------------------


@dataclass
class World:
    campaign: object = None
    a: Application = None
    b: Application = None
    material_a: object = None
    material_b: object = None
    draw: object = None
    check_a: object = None
    meeting: object = None
    batch: object = None
    publicity: object = None
    objection: object = None
    objection_receipt: str = ""
    captcha_key: str = ""
    certificate_token: str = ""
    signed_sha256: str = ""
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    client: Client = field(default_factory=Client)


def _carry_to_province(application, county, city):
    owner = application.enterprise.users.get()
    perform_transition(application_id=application.pk, action="submit", actor=owner)
    county_verification_save(
        application_id=application.pk, actor=county, version=0,
        data={"revenue": application.revenue, "tax_total": application.tax_total, "total_assets": application.total_assets,
              "owners_equity": application.owners_equity, "cluster_rank": 1, "remarks": "经实地核查，数据属实。"},
    )
    perform_transition(
        application_id=application.pk, action="county_pass", actor=county, opinion="同意推荐。", internal_note=INTERNAL_NOTE,
    )
    application_set_city_ranks(
        actor=city, campaign=application.campaign, cluster_id=application.cluster_id, ranks={application.pk: 1}
    )
    perform_transition(application_id=application.pk, action="city_forward", actor=city, opinion="同意上报。")


def _signed_in_session(user) -> str:
    """A session as a browser would hold it: logged in and, for officials and administrators, past the second factor."""
    client = Client()
    client.force_login(user)
    if user.role != Role.ENTERPRISE:
        device = give_device(user)
        response = client.post(reverse("accounts:otp_verify"), {"token": current_code(device)})
        assert response.status_code == 302, response.content.decode()[:500]
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_world() -> World:
    w = World()
    w.campaign = CampaignFactory()
    w.a = eligible_application(campaign=w.campaign)
    qinghe = ClusterFactory(name="清河县羊绒及制品产业集群", county_id="130534", industry="羊绒")
    w.b = eligible_application(campaign=w.campaign, enterprise=EnterpriseFactory(cluster=qinghe, name="清河县羊绒制品有限公司"))
    w.users = {
        "owner_a": w.a.enterprise.users.get(),
        "owner_b": w.b.enterprise.users.get(),
        "county_131125": county_official("131125"),
        "county_130534": county_official("130534"),
        "city_131100": city_official("131100"),
        "city_130500": city_official("130500"),
        "province": province_official(),
        "sysadmin": sysadmin(),
        "auditor": auditor(),
    }
    u = w.users
    _carry_to_province(w.a, u["county_131125"], u["city_131100"])
    _carry_to_province(w.b, u["county_130534"], u["city_130500"])
    w.draw = spot_check_draw(actor=u["province"], campaign=w.campaign, share_percent=100)
    w.check_a = w.draw.checks.get(application=w.a)
    spot_check_record(
        actor=u["province"], check_id=w.check_a.pk, result="pass", notes="与原件一致",
        record_file=SimpleUploadedFile("抽查记录.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    w.meeting = meeting_create(
        actor=u["province"], campaign=w.campaign, name="龙头企业认定会议", held_on=timezone.localdate() - dt.timedelta(days=1),
        minutes_number="省局会议纪要〔2024〕8号",
    )
    meeting_save_decisions(
        actor=u["province"], meeting_id=w.meeting.pk,
        decisions=[DecisionInput(w.a.pk, "award", 1), DecisionInput(w.b.pk, "award", 2)],
    )
    meeting_close(actor=u["province"], meeting_id=w.meeting.pk)
    meeting_award(actor=u["province"], meeting_id=w.meeting.pk)
    campaign_publish_results(actor=u["province"], campaign=w.campaign)
    for actor, kind, unit, number in (
        ("city_131100", "recommendation", "131100", "衡工信字〔2024〕15号"),
        ("city_130500", "recommendation", "130500", "邢工信字〔2024〕9号"),
        ("province", "announcement", "130000", "冀企产〔2024〕30号"),
    ):
        letter_issue(
            actor=u[actor], kind=kind, campaign=w.campaign, unit=Division.objects.get(code=unit),
            values={"document_number": number, "signer": "张建国", "dated": timezone.localdate()},
        )
    w.revocation_notice = IssuedLetter.objects.create(
        kind=LetterKind.REVOCATION, campaign=w.campaign, unit=Division.objects.get(code="130000"),
        document_number="冀中小企〔2026〕12号", dated=timezone.localdate(), issued_by=u["province"],
    )
    w.batch = CertificateBatch.objects.create(
        campaign=w.campaign, requested_by=u["province"], total=2, done=2, status="finished", finished_at=timezone.now(),
    )
    w.batch.combined_pdf.save("combined.pdf", ContentFile(MINIMAL_PDF), save=False)
    w.batch.zip_file.save("certificates.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    w.batch.save()
    for application in (w.a, w.b):
        application.refresh_from_db()
    # A 公示 running now for the meeting, with an objection (with evidence) against A.
    w.publicity = Publicity.objects.create(
        campaign=w.campaign, meeting=w.meeting, starts_on=timezone.localdate(), ends_on=timezone.localdate(),
        published_by=u["province"],
    )
    entry = PublicityEntry.objects.create(
        publicity=w.publicity, application=w.a, position=1, enterprise_name=w.a.enterprise.name,
        cluster_name=w.a.cluster.name, city_name="衡水市",
    )
    w.objection = Objection.objects.create(
        entry=entry, reference="YY2024-0001", name="张三", phone="13800000000", content="异议", evidence_name="证据.pdf",
    )
    w.objection.evidence.save("evidence", ContentFile(MINIMAL_PDF))
    w.objection_receipt = signing.dumps(w.objection.reference, salt=RECEIPT_SALT)
    w.captcha_key = CaptchaStore.generate_key()
    w.material_a = w.a.materials.get(kind=MaterialKind.LICENCE)
    w.material_b = w.b.materials.get(kind=MaterialKind.LICENCE)
    w.certificate_token = w.a.certificate.token
    w.signed_sha256 = ReviewRecord.objects.filter(application=w.a, action="submit").get().data_sha256
    w.sessions = {actor: _signed_in_session(user) for actor, user in u.items()}
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end; each test runs in a
    savepoint on top, so what one request changes is gone before the next test."""
    location = tmp_path_factory.mktemp("private")
    storages = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(location)}}}
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=storages, TWO_FACTOR_ENFORCED=True),
        transaction.atomic(),
    ):
        if not Division.objects.exists():
            load_divisions()
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def _clean_private_storage(world):
    """The world's files live in the module's storage (the suite-wide fixture would hide them)."""


# ------------------------------------------------------------------------------------------------------------
# Asking and checking
# ------------------------------------------------------------------------------------------------------------


def client_for(world, actor) -> Client:
    """The module's one client (a new one loads the middleware, and WhiteNoise indexes every static file),
    carrying only `actor`'s session cookie."""
    client = world.client
    client.cookies = SimpleCookie()
    if actor != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    return client


def ask(world, actor, method, path, data=None):
    client = client_for(world, actor)
    response = client.post(path, data or {}) if method == "POST" else client.get(path)
    if response.streaming:
        # Reading to the end lets the test client close the file the way a server would, without
        # closing the database connection the module's transaction lives on.
        b"".join(response.streaming_content)
    return response


def verdict(response, expected) -> str | None:
    """None if the response is what the table expects, else what went wrong."""
    status = response.status_code
    location = response.get("Location", "")
    login = reverse("accounts:login")
    admin_login = reverse("admin:login")
    if expected == LOGIN:
        ok = status == 302 and location.startswith(login + "?next=")
    elif expected == ADMIN_LOGIN:
        ok = status == 302 and location.startswith(admin_login + "?next=")
    elif expected == REDIRECT:
        ok = status == 302 and not location.startswith((login + "?next=", admin_login))
    elif expected == SYSADMIN_IN_ADMIN:
        ok = status < 500 and not location.startswith((login + "?next=", admin_login))
    else:
        ok = status == expected
    if ok:
        return None
    return f"expected {expected}, got {status}" + (f" → {location}" if location else "")


def admin_kwargs(pattern: Pattern, world) -> dict:
    """Arguments for an admin URL: an existing object of the pattern's model where there is one."""
    kwargs = {}
    model = None
    if pattern.name:
        for registered in admin.site._registry:
            if pattern.name.startswith(f"admin:{registered._meta.app_label}_{registered._meta.model_name}_"):
                model = registered
    for groups in pattern.converters:
        argument = next(g for g in groups if g)
        if argument in ("object_id", "id"):
            obj = model.objects.order_by("pk").first() if model is not None else None
            kwargs[argument] = str(obj.pk if obj is not None else world.users["sysadmin"].pk)
        elif argument == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            kwargs[argument] = str(ContentType.objects.get_for_model(Division).pk)
        elif argument == "app_label":
            kwargs[argument] = "directory"
        elif argument == "url":
            kwargs[argument] = "no-such-page/"
        else:
            raise AssertionError(f"{pattern.route}: no value for <{argument}>")
    if "content_type_id" in kwargs:
        kwargs["object_id"] = "131125"
    return kwargs


def path_for(pattern: Pattern, kwargs: dict) -> str:
    if pattern.name:
        return reverse(pattern.name, kwargs=kwargs)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], pattern.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")


def rows_for(pattern: Pattern, world) -> list[tuple[Row, str]]:
    if pattern.is_admin:
        kwargs = admin_kwargs(pattern, world)
        return [(Row(admin_expectation(pattern.name, pattern.route)), path_for(pattern, kwargs))]
    entry = TABLE.get(pattern.key)
    if entry is None:
        pytest.fail(
            f"The URL pattern {pattern.key!r} ({pattern.route}) has no row in TABLE in "
            "tests/security/test_authorization_matrix.py: add one with the expected answer for every role."
        )
    rows = entry if isinstance(entry, tuple) else (entry,)
    return [(row, path_for(pattern, row.kwargs(world)) + (row.query(world) if callable(row.query) else row.query)) for row in rows]


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_each_url_answers_every_role_as_the_table_says(pattern, world, db):
    problems = []
    for row, path in rows_for(pattern, world):
        data = row.data(world)
        for actor in ACTORS:
            try:
                response = ask(world, actor, row.method, path, data)
            except Exception as error:  # noqa: BLE001 - a server error is a finding, reported with the others
                problems.append(f"{row.method} {path} as {actor}: raised {type(error).__name__}: {error}")
                continue
            wrong = verdict(response, row.expect[actor])
            if wrong:
                problems.append(f"{row.method} {path} as {actor}: {wrong}" + (f" [{row.note}]" if row.note else ""))
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------------------------------------
# What the 200s contain: nothing of the other jurisdiction, no internal note for the enterprise
# ------------------------------------------------------------------------------------------------------------


def page(world, actor, path) -> str:
    response = client_for(world, actor).get(path)
    assert response.status_code == 200, (actor, path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize(
    ("actor", "url_name", "query"),
    [
        ("county_130534", "review:county_queue", "?state=all"),
        ("county_130534", "review:county_home", ""),
        ("city_130500", "review:city_clusters", ""),
        ("city_130500", "review:city_home", ""),
        ("owner_b", "applications:home", ""),
        ("owner_b", "review:notifications", ""),
    ],
)
def test_list_pages_show_nothing_of_the_other_jurisdiction(world, db, actor, url_name, query):
    html = page(world, actor, reverse(url_name) + query)
    assert world.a.enterprise.name not in html
    assert world.a.enterprise.credit_code not in html


def test_the_province_list_shows_both_cities(world, db):
    html = page(world, "province", reverse("review:province_list"))
    assert world.a.enterprise.name in html and world.b.enterprise.name in html


def test_a_city_export_holds_only_its_own_enterprises_whatever_the_query_says(world, db):
    response = client_for(world, "city_130500").get(reverse("documents:summary_xlsx") + "?city=131100")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None}
    assert any(world.b.enterprise.name in value for value in cells)
    assert not any(world.a.enterprise.name in value for value in cells)


def test_a_city_recommendation_letter_names_only_its_own_enterprises(world, db):
    response = client_for(world, "city_130500").get(reverse("documents:recommendation_letter") + "?city=131100&format=txt")
    text = b"".join(response.streaming_content).decode()
    assert world.b.enterprise.name in text
    assert world.a.enterprise.name not in text


def test_the_enterprise_never_sees_the_officials_internal_note(world, db):
    for url in (reverse("applications:detail", args=[world.a.pk]), reverse("applications:home")):
        html = page(world, "owner_a", url)
        assert "同意推荐。" in html  # the opinion is the enterprise's to read
        assert INTERNAL_NOTE not in html
    assert INTERNAL_NOTE in page(world, "county_131125", reverse("review:application_detail", args=[world.a.pk]))


def test_an_official_without_the_second_factor_reaches_no_business_page(world, db):
    client = Client()
    client.force_login(world.users["county_131125"])  # password only: the session is not OTP-verified
    for url in (
        reverse("review:application_detail", args=[world.a.pk]),
        reverse("documents:report_pdf", args=[world.a.pk]),
        reverse("applications:material_download", args=[world.material_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp_verify"))
