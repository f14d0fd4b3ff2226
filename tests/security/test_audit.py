"""Audit log (等保 8.1.4.3): what is recorded, with time zone and address; append-only; retention;
the 审计管理员's search and CSV export."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction
from django.test import RequestFactory
from django.utils import timezone

from portal.audit.models import AuditEvent, Event
from portal.audit.services import audit, bind_request, release_request
from portal.dates import chinese_datetime
from review.models import DeadlineExtension
from review.services import perform_transition
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    auditor,
    county_official,
    eligible_application,
    enterprise_user,
    sysadmin,
)
from tests.security.conftest import current_code, give_device

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


def old_entry(days_ago, **fields):
    """An entry written `days_ago` days ago (a raw save keeps the given time, as a restore does)."""
    event = AuditEvent(at=timezone.now() - dt.timedelta(days=days_ago), event=Event.LOGIN, username="old", **fields)
    models.Model.save_base(event, raw=True)
    return event


def test_login_logout_and_failure_are_recorded_with_address_role_and_zone(client):
    user = county_official(username="xian-audit")
    client.post("/accounts/login/", {"username": "xian-audit", "password": "bad#Pass1"}, REMOTE_ADDR="192.0.2.7")
    client.post("/accounts/login/", {"username": "xian-audit", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")
    client.post("/accounts/logout/", REMOTE_ADDR="192.0.2.7")
    failed = AuditEvent.objects.get(event=Event.LOGIN_FAILED)
    login = AuditEvent.objects.get(event=Event.LOGIN, user=user)
    logout = AuditEvent.objects.get(event=Event.LOGOUT, user=user)
    assert (failed.username, failed.success, failed.ip_address) == ("xian-audit", False, "192.0.2.7")
    assert (login.role, login.ip_address, login.success) == ("county", "192.0.2.7", True)
    assert logout.ip_address == "192.0.2.7"
    for entry in (failed, login, logout):
        assert entry.at.tzinfo is not None
        assert timezone.localtime(entry.at).utcoffset() == dt.timedelta(hours=8)


def test_services_get_the_address_of_the_current_request():
    application = eligible_application()
    user = application.enterprise.users.first()
    token = bind_request(RequestFactory().post("/enterprise/submit/", REMOTE_ADDR="198.51.100.4"))
    try:
        perform_transition(application_id=application.pk, action="submit", actor=user)
    finally:
        release_request(token)
    entry = AuditEvent.objects.get(event=Event.TRANSITION)
    assert entry.ip_address == "198.51.100.4"
    assert entry.user == user and entry.role == "enterprise"
    assert entry.object_type == "applications.Application" and entry.object_id == str(application.pk)
    assert entry.success


def test_the_middleware_binds_the_request_for_services(client):
    official = county_official()
    client.force_login(sysadmin())
    client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [official.pk]},
        REMOTE_ADDR="203.0.113.9",
    )
    entry = AuditEvent.objects.get(event=Event.ADMIN_CHANGE, object_id=str(official.pk))
    assert entry.ip_address == "203.0.113.9"
    assert entry.role == "sysadmin"


def test_forwarded_address_is_trusted_only_from_configured_proxies(client, settings):
    enterprise_user(username="fwd")

    def recorded(remote, forwarded):
        client.post("/accounts/login/", {"username": "fwd", "password": "x"}, REMOTE_ADDR=remote,
                    HTTP_X_FORWARDED_FOR=forwarded)
        return AuditEvent.objects.latest("id").ip_address

    assert recorded("10.1.1.1", "6.6.6.6") == "10.1.1.1"  # no trusted proxies: the peer address
    settings.TRUSTED_PROXIES = ["10.1.1.1", "172.16.0.0/12"]
    # Right to left past every trusted proxy; what the client wrote further left is never used.
    assert recorded("10.1.1.1", "6.6.6.6, 198.51.100.20") == "198.51.100.20"
    assert recorded("10.1.1.1", "6.6.6.6, 198.51.100.21, 172.16.5.5") == "198.51.100.21"
    assert recorded("10.1.1.1", "not-an-address") == "10.1.1.1"
    assert recorded("10.9.9.9", "198.51.100.22") == "10.9.9.9"  # a peer that is not a trusted proxy
    settings.TRUSTED_PROXIES = ["::1"]
    assert recorded("127.0.0.1", "198.51.100.23") == "127.0.0.1"


def test_unix_socket_proxy_is_trusted_only_when_configured(rf, settings):
    from portal.audit.services import client_address

    request = rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.30")
    assert client_address(request) is None
    settings.TRUSTED_PROXIES = ["unix"]
    assert client_address(request) == "198.51.100.30"


def test_forbidden_pages_are_recorded(client):
    user = enterprise_user()
    client.force_login(user)
    assert client.get("/review/county/", REMOTE_ADDR="192.0.2.50").status_code == 403
    entry = AuditEvent.objects.get(event=Event.ACCESS_DENIED)
    assert (entry.user, entry.ip_address, entry.success) == (user, "192.0.2.50", False)
    assert "/review/county/" in entry.detail


def test_objects_refused_with_404_are_recorded_but_unknown_addresses_are_not(client, settings):
    settings.ROOT_URLCONF = "tests.security.urls"
    client.force_login(enterprise_user())
    assert client.get("/enterprise/_test/application/999/").status_code == 404
    assert client.get("/enterprise/no-such-page/").status_code == 404
    entries = AuditEvent.objects.filter(event=Event.ACCESS_DENIED)
    assert [e.detail for e in entries] == ["404 GET /enterprise/_test/application/999/"]


def test_admin_changes_are_recorded(client):
    from portal.directory.models import Cluster

    cluster = Cluster.objects.create(name="测试集群", county_id="131125", industry="丝网", confirmed_year=2020)
    admin_user = sysadmin()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/directory/cluster/{cluster.pk}/change/",
        {"name": "测试集群（更名）", "county": "131125", "industry": "丝网", "confirmed_year": 2021, "active": "on"},
        REMOTE_ADDR="192.0.2.80",
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    entry = AuditEvent.objects.get(event=Event.ADMIN_CHANGE, object_type="directory.cluster")
    assert entry.user == admin_user and entry.ip_address == "192.0.2.80"
    assert entry.object_id == str(cluster.pk) and "测试集群（更名）" in entry.object_repr
    assert entry.detail.startswith("修改")


def test_bulk_deletion_is_not_offered_in_the_admin():
    from django.contrib import admin

    assert "delete_selected" not in dict(admin.site.actions)


def test_no_secret_reaches_the_log(client, enforce_2fa):
    user = county_official(username="secretive")
    device = give_device(user)
    client.post("/accounts/login/", {"username": "secretive", "password": "Typed#Secret99"})
    client.post("/accounts/login/", {"username": "secretive", "password": PASSWORD})
    code = current_code(device)
    client.post("/accounts/two-factor/", {"token": code})
    session_key = client.session.session_key
    client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Nw#9xPq2Lk", "new_password2": "Nw#9xPq2Lk"})
    text = " ".join(
        " ".join(str(v) for v in row)
        for row in AuditEvent.objects.values_list("username", "object_type", "object_id", "object_repr", "detail")
    )
    assert AuditEvent.objects.count() >= 4
    for secret in ("Typed#Secret99", PASSWORD, "Nw#9xPq2Lk", code, session_key, device.key):
        assert secret not in text


# --- append-only -------------------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = audit(Event.LOGIN, username="someone")
    entry.detail = "改过"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=entry.pk).update(detail="改过")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([entry], ["detail"])
    assert AuditEvent.objects.get(pk=entry.pk).detail == ""


def test_the_admin_offers_no_way_to_the_audit_log_or_review_records(client):
    client.force_login(sysadmin())
    for url in ("/admin/audit/auditevent/", "/admin/review/reviewrecord/", "/admin/review/deadlineextension/"):
        assert client.get(url).status_code == 404, url


@postgres_only
def test_postgresql_refuses_raw_update_and_delete_of_young_entries():
    entry = audit(Event.LOGIN, username="someone")
    for statement in (
        "UPDATE audit_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    old = old_entry(200)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'x' WHERE id = %s", [old.pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=entry.pk).exists()


@postgres_only
def test_postgresql_refuses_raw_changes_to_review_records():
    application = eligible_application()
    record = perform_transition(application_id=application.pk, action="submit", actor=application.enterprise.users.first())
    for statement in (
        "UPDATE review_reviewrecord SET opinion = 'x' WHERE id = %s",
        "DELETE FROM review_reviewrecord WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    extension = DeadlineExtension.objects.create(
        campaign=application.campaign, level="enterprise", old_date=dt.date(2024, 6, 30),
        new_date=dt.date(2024, 7, 15), reason="系统故障", by=county_official(),
    )
    for statement in (
        "UPDATE review_deadlineextension SET reason = 'x' WHERE id = %s",
        "DELETE FROM review_deadlineextension WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [extension.pk])


# --- retention ---------------------------------------------------------------------------------------


def test_purge_refuses_anything_younger_than_180_days():
    too_recent = timezone.localdate() - dt.timedelta(days=179)
    with pytest.raises(CommandError, match="至少保留180天"):
        call_command("purge_audit_log", before=too_recent.isoformat())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("purge_audit_log", before="昨天")


def test_purge_deletes_only_entries_older_than_the_date_and_records_itself():
    ancient = old_entry(400)
    old = old_entry(200)
    kept = old_entry(100)
    recent = audit(Event.LOGIN, username="now")
    out = io.StringIO()
    call_command("purge_audit_log", before=(timezone.localdate() - dt.timedelta(days=180)).isoformat(), stdout=out)
    assert "已删除 2 条" in out.getvalue()
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert ancient.pk not in remaining and old.pk not in remaining
    assert {kept.pk, recent.pk} <= remaining
    assert AuditEvent.objects.filter(event=Event.ADMIN_CHANGE, detail__contains="清理审计日志：删除 2 条").exists()


# --- the 审计管理员's view --------------------------------------------------------------------------


def _seed_log():
    county = county_official(username="xian-1")
    audit(Event.LOGIN, user=county, detail="密码验证通过")
    audit(Event.LOGIN_FAILED, username="guess", success=False, detail="用户名或密码错误")
    audit(Event.EXPORT, user=county, detail="导出汇总表")
    old_entry(30, detail="上个月的记录")


def test_auditor_sees_and_filters_the_log(client):
    _seed_log()
    client.force_login(auditor())
    page = client.get("/audit/").content.decode()
    assert "导出汇总表" in page and "上个月的记录" in page
    exported = AuditEvent.objects.get(detail="导出汇总表")
    assert f"<td class=\"text-nowrap\">{chinese_datetime(exported.at, seconds=True)}</td>" in page  # the one date format
    assert "北京时间（UTC+08:00）" in page
    assert "导出汇总表" not in client.get("/audit/", {"event": Event.LOGIN_FAILED}).content.decode()
    failed_only = client.get("/audit/", {"success": "0"}).content.decode()
    assert "用户名或密码错误" in failed_only and "导出汇总表" not in failed_only
    by_user = client.get("/audit/", {"username": "xian"}).content.decode()
    assert "导出汇总表" in by_user and "用户名或密码错误" not in by_user
    today = timezone.localdate().isoformat()
    recent = client.get("/audit/", {"date_from": today, "date_to": today}).content.decode()
    assert "导出汇总表" in recent and "上个月的记录" not in recent
    last_month = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    older = client.get("/audit/", {"date_to": last_month}).content.decode()
    assert "上个月的记录" in older and "导出汇总表" not in older
    text = client.get("/audit/", {"q": "汇总"}).content.decode()
    assert "导出汇总表" in text and "密码验证通过" not in text
    wrong = client.get("/audit/", {"date_from": today, "date_to": last_month}).content.decode()
    assert "截止日期不能早于起始日期" in wrong


def test_csv_export_has_a_bom_the_filters_and_is_itself_audited(client):
    _seed_log()
    audit(Event.LOGIN_FAILED, username="=HYPERLINK(\"http://evil\")", success=False)
    user = auditor()
    client.force_login(user)
    response = client.get("/audit/export.csv", {"success": "0"}, REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and "filename*=utf-8''" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:5] == ["时间", "用户名", "角色", "来源地址", "事件"]
    assert {row[8] for row in rows[1:]} == {"失败"}
    assert any(row[1] == "guess" for row in rows[1:])
    assert any(row[1].startswith("'=HYPERLINK") for row in rows[1:])
    assert all(row[0].endswith("+08:00") for row in rows[1:])
    export = AuditEvent.objects.get(event=Event.EXPORT, user=user)
    assert export.ip_address == "192.0.2.99" and "结果=0" in export.detail


@pytest.mark.parametrize("role_user", [sysadmin, county_official, enterprise_user])
def test_only_the_auditor_reads_the_log(client, role_user):
    client.force_login(role_user())
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_log_page_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    client.force_login(auditor())
    for n in range(5):
        audit(Event.LOGIN, username=f"u{n}")
    with django_assert_max_num_queries(12) as small:
        client.get("/audit/")
    for n in range(45):
        audit(Event.LOGIN, username=f"v{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/audit/")


@pytest.mark.parametrize("event", list(Event))
def test_every_event_kind_carries_time_zone_address_and_object(event):
    application = ApplicationFactory()
    user = enterprise_user(application.enterprise)
    token = bind_request(RequestFactory().get("/", REMOTE_ADDR="2001:db8::7"))
    try:
        entry = audit(event, user=user, obj=application, success=event not in (Event.LOGIN_FAILED, Event.ACCESS_DENIED))
    finally:
        release_request(token)
    entry = AuditEvent.objects.get(pk=entry.pk)
    assert entry.ip_address == "2001:db8::7"
    assert entry.username == user.username and entry.role == "enterprise"
    assert entry.object_type == "applications.Application" and entry.object_repr == str(application)
    assert timezone.localtime(entry.at).utcoffset() == dt.timedelta(hours=8)
    assert entry.get_event_display() == Event(event).label
