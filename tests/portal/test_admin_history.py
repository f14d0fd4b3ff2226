"""Administration that cannot change history: cluster imports audited, deadlines in order, a routing change that
moves no submitted application, a first password the official replaces, and the admin and audit log in Chinese."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import State
from applications.selectors import applications_visible_to
from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent, Event
from portal.directory.cluster_import import import_clusters
from portal.directory.models import Campaign, CampaignState, Cluster, Division
from review import selectors
from review.models import ClusterQuota
from review.services import campaign_extend_deadline, perform_transition
from tests.factories import (
    CampaignFactory,
    ClusterFactory,
    EnterpriseFactory,
    auditor,
    city_official,
    county_official,
    province_official,
    sysadmin,
)
from tests.review.journey import application_in, rank_next

pytestmark = pytest.mark.django_db

GOOD_CSV = "集群名称,县级区划代码,主导产业,确认年度\n安平县丝网产业集群,131125,丝网,2020\n清河县羊绒及制品产业集群,130534,羊绒,2021\n"
BAD_CSV = "集群名称,县级区划代码,主导产业,确认年度\n好集群,131125,丝网,2020\n未知县集群,999999,丝网,2020\n"


@pytest.fixture
def admin_user():
    return sysadmin()


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# (a) Cluster imports --------------------------------------------------------------------------------------------


def test_a_successful_import_through_the_admin_is_audited_with_hash_rows_and_result(admin_client, admin_user):
    upload = SimpleUploadedFile("集群名单.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = admin_client.post(reverse("admin:directory_cluster_import"), {"file": upload})
    assert response.status_code == 302 and Cluster.objects.count() == 2
    entry = AuditEvent.objects.get(event=Event.ADMIN_CHANGE, object_type="directory.Cluster", object_repr="集群名单.csv")
    assert entry.user == admin_user and entry.success
    assert hashlib.sha256(GOOD_CSV.encode()).hexdigest() in entry.detail
    assert "2 行" in entry.detail and "导入成功（新增 2 个，更新 0 个）" in entry.detail


def test_a_refused_import_is_audited_as_refused_and_imports_nothing(admin_client):
    upload = SimpleUploadedFile("bad.csv", BAD_CSV.encode(), content_type="text/csv")
    response = admin_client.post(reverse("admin:directory_cluster_import"), {"file": upload})
    assert response.status_code == 200 and not Cluster.objects.exists()
    entry = AuditEvent.objects.get(object_repr="bad.csv")
    assert entry.success is False
    assert hashlib.sha256(BAD_CSV.encode()).hexdigest() in entry.detail
    assert "2 行" in entry.detail and "导入被拒绝" in entry.detail and "999999" in entry.detail


def test_an_import_from_the_command_line_is_audited_too():
    report = import_clusters("list.csv", GOOD_CSV.encode())
    entry = AuditEvent.objects.get(object_repr="list.csv")
    assert (entry.username, entry.success, report.rows, report.sha256) == (
        "import_clusters", True, 2, hashlib.sha256(GOOD_CSV.encode()).hexdigest()
    )


# (c) Deadlines in order -----------------------------------------------------------------------------------------


def test_deadlines_out_of_order_are_refused_by_the_model():
    campaign = CampaignFactory(year=2025, state=CampaignState.NOT_STARTED)
    campaign.county_deadline = campaign.enterprise_deadline - dt.timedelta(days=1)
    campaign.city_deadline = campaign.county_deadline - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert set(refused.value.message_dict) == {"county_deadline", "city_deadline"}
    assert "不能早于企业申报截止日期" in refused.value.message_dict["county_deadline"][0]
    campaign.county_deadline = campaign.city_deadline = campaign.enterprise_deadline  # equal dates are in order
    campaign.full_clean()


def test_the_admin_shows_the_order_error_next_to_the_field_and_saves_nothing(admin_client):
    from tests.portal.test_admin_duties import campaign_post

    campaign = CampaignFactory(year=2025, state=CampaignState.NOT_STARTED)
    early = campaign.enterprise_deadline - dt.timedelta(days=3)
    response = admin_client.post(change_url(campaign), campaign_post(
        campaign, enterprise_deadline=campaign.enterprise_deadline, county_deadline=early,
        city_deadline=campaign.city_deadline, quota_per_cluster=3,
    ))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"field-county_deadline.*?县级初审截止日期不能早于企业申报截止日期", html, re.S)
    assert Campaign.objects.get(pk=campaign.pk).county_deadline == campaign.county_deadline


def test_an_extension_cannot_put_a_deadline_after_the_next_level(admin_user):
    from review.errors import Refused

    campaign = CampaignFactory()
    with pytest.raises(Refused, match="不能晚于县级初审截止日期"):
        campaign_extend_deadline(
            actor=province_official(), campaign_id=campaign.pk, level="enterprise",
            new_date=campaign.county_deadline + dt.timedelta(days=1), reason="企业集中补正",
        )


# (d) Routing changes apply to new submissions -------------------------------------------------------------------


def _rongcheng_cluster():
    return ClusterFactory(name="容城县服装产业集群", county_id="130629", industry="服装")  # 容城县, 保定市 reviews it


def test_a_routing_change_leaves_submitted_applications_with_their_city(admin_client):
    cluster = _rongcheng_cluster()
    forwarded = application_in(State.PROVINCE_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    waiting = application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    assert forwarded.reviewing_city_id == waiting.reviewing_city_id == "130600"
    baoding, xiongan = city_official("130600"), city_official("133100")
    campaign = forwarded.campaign

    response = admin_client.post(change_url(Division.objects.get(code="130629")), {"reviewing_city": "133100"})
    assert response.status_code == 302
    assert Division.objects.get(code="130629").reviewing_city_id == "133100"

    # The applications stay on 保定市's lists and quota; 雄安新区 does not see them.
    assert set(applications_visible_to(baoding).values_list("pk", flat=True)) == {forwarded.pk, waiting.pk}
    assert not applications_visible_to(xiongan).exists()
    stats = {row.key: row for row in selectors.province_stats_by_city(province_official(), campaign)}
    assert stats["130600"].received == 2 and stats["130600"].forwarded == 1
    assert (stats["130600"].quota_used, "133100" in stats) == (1, False)
    assert ClusterQuota.objects.get(cluster=cluster).used == 1
    # 保定市 can still forward the one waiting for it.
    rank_next(waiting)
    perform_transition(application_id=waiting.pk, action="city_forward", actor=baoding, opinion="同意上报。")
    assert ClusterQuota.objects.get(cluster=cluster).used == 2

    # A new submission from 容城县 goes to 雄安新区.
    later = application_in(State.COUNTY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    assert later.reviewing_city_id == "133100"
    assert set(applications_visible_to(xiongan).values_list("pk", flat=True)) == {later.pk}


def test_a_returned_application_resubmitted_after_the_change_stays_with_its_city():
    cluster = _rongcheng_cluster()
    application = application_in(State.COUNTY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    perform_transition(application_id=application.pk, action="county_return", actor=county_official("130629"),
                       opinion="请补正纳税证明")
    Division.objects.filter(code="130629").update(reviewing_city_id="133100")
    owner = application.enterprise.users.first()
    perform_transition(application_id=application.pk, action="submit", actor=owner)
    application.refresh_from_db()
    assert (application.state, application.reviewing_city_id) == (State.COUNTY_REVIEW, "130600")


def test_the_division_admin_warns_how_many_in_flight_applications_stay(admin_client):
    cluster = _rongcheng_cluster()
    for state in (State.COUNTY_REVIEW, State.CITY_REVIEW, State.PROVINCE_REVIEW):
        application_in(state, enterprise=EnterpriseFactory(cluster=cluster))
    division = Division.objects.get(code="130629")
    page = admin_client.get(change_url(division)).content.decode()
    assert "只适用于今后首次提交的申报" in page and "容城县现有 3 件在办申报（保定市 3 件）" in page

    response = admin_client.post(change_url(division), {"reviewing_city": "133100"}, follow=True)
    text = response.content.decode()
    assert "已将容城县的市级审核单位改为雄安新区" in text and "3 件在办申报（保定市 3 件）仍由原审核单位办理" in text


def test_the_data_migration_fills_the_city_of_submitted_applications():
    from importlib import import_module

    from django.apps import apps as global_apps

    from applications.models import Application

    application = application_in(State.CITY_REVIEW)
    draft = application_in(State.DRAFT)
    Application.objects.update(reviewing_city=None)
    migration = import_module("applications.migrations.0005_application_reviewing_city")
    migration.fill_reviewing_city(global_apps, None)
    application.refresh_from_db()
    draft.refresh_from_db()
    assert (application.reviewing_city_id, draft.reviewing_city_id) == ("131100", None)


# (e) First login: the administrator's password is replaced ------------------------------------------------------


def test_an_official_created_in_the_admin_must_change_the_password_first(admin_client, client):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "xian_new", "full_name": "新县级审核员", "role": Role.COUNTY, "unit": "131125",
        "password1": "Xq7#plover-river", "password2": "Xq7#plover-river", "usable_password": "true",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    official = User.objects.get(username="xian_new")
    assert official.must_change_password

    client.force_login(official)
    for path in (reverse("review:county_queue"), "/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:password_change"))
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "首次登录须先修改" in page

    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Xq7#plover-river", "new_password1": "Hb9!marsh-lantern", "new_password2": "Hb9!marsh-lantern",
    })
    assert response.status_code == 302
    official.refresh_from_db()
    assert not official.must_change_password
    assert client.get(reverse("review:county_queue")).status_code == 200


def test_a_password_set_in_the_admin_is_to_be_changed_too(admin_client):
    official = county_official("131125")
    assert not official.must_change_password
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[official.pk]),
        {"password1": "Xq7#plover-river", "password2": "Xq7#plover-river"},
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.must_change_password and official.check_password("Xq7#plover-river")


def test_the_second_factor_comes_before_the_password_change(client, settings):
    settings.TWO_FACTOR_ENFORCED = True
    official = county_official("131125", must_change_password=True)
    client.force_login(official)
    response = client.get(reverse("review:county_queue"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_enrol"))
    assert client.get(reverse("accounts:otp_enrol")).status_code == 200


def test_accounts_created_by_the_command_line_for_officials_must_change_too():
    from django.core.management import call_command

    call_command("create_official", "xian9", role=Role.COUNTY, unit="131125", password="Xq7#plover-river")
    assert User.objects.get(username="xian9").must_change_password


# (f) Chinese in the admin and in the audit log ------------------------------------------------------------------


LIBRARY_PAGES = [
    "admin:index",
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
    "admin:axes_accessfailurelog_changelist",
    "admin:otp_totp_totpdevice_changelist",
    "admin:otp_static_staticdevice_changelist",
    "admin:django_tasks_database_dbtaskresult_changelist",
]
ENGLISH = ["Axes", "AXES", "Access attempt", "Access log", "Access failure", "TOTP device", "Static device",
           "Otp_", "Task result", "Task Result", "Tasks Database", "User Agent", "Attempt Time", "Enqueued at",
           "The user that this device belongs to"]


@pytest.mark.parametrize("name", LIBRARY_PAGES)
def test_the_libraries_pages_in_the_admin_are_in_chinese(admin_client, name):
    html = admin_client.get(reverse(name)).content.decode()
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)  # what the page shows, not its addresses
    left = [word for word in ENGLISH if word.lower() in text.lower()]
    assert left == []
    assert "后台任务" in text or name != "admin:django_tasks_database_dbtaskresult_changelist"


def test_a_device_page_in_the_admin_is_in_chinese(admin_client, admin_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=county_official(), name="手机验证器", confirmed=True)
    html = admin_client.get(change_url(device)).content.decode()
    assert "绑定时间" in html and "最近使用时间" in html
    assert "belongs to" not in html and "human-readable" not in html


def test_the_audit_log_names_workflow_actions_in_chinese(client):
    from review.errors import TransitionRefused

    application = application_in(State.COUNTY_REVIEW)
    with pytest.raises(TransitionRefused):
        perform_transition(application_id=application.pk, action="county_return", actor=county_official())
    # An entry written before the labels were used still reads in Chinese on the page.
    from portal.audit.services import audit

    audit(Event.TRANSITION, username="old", success=False, detail=f"申报 {application.pk}「city_forward」未执行：已超过截止时间")
    client.force_login(auditor())
    html = client.get(reverse("audit:log")).content.decode()
    assert "「退回修改」未执行" in html and "「审核通过并上报」未执行" in html
    assert "county_return" not in html and "city_forward" not in html
    export = b"".join(client.get(reverse("audit:export")).streaming_content).decode("utf-8-sig")
    assert "「审核通过并上报」" in export and "city_forward" not in export
