"""Separation of duties in the admin: once a campaign has opened, its deadlines, quota and publication are the
province's recorded decisions, not the 系统管理员's; and every admin change is audited with old → new values."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.forms.models import model_to_dict
from django.urls import reverse

from portal.accounts.models import Role
from portal.audit.models import AuditEvent, Event
from portal.directory.models import Campaign, CampaignState, Cluster, Division
from tests.factories import CampaignFactory, county_official, sysadmin

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(sysadmin())
    return client


def campaign_post(campaign, **changes):
    """What the admin's change form posts: every editable field, as it stands, with `changes` applied."""
    editable = [
        f.name for f in Campaign._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in (*Campaign.PROVINCE_DECIDES, "seal_image")
    ]
    data = {**model_to_dict(campaign, fields=editable), **changes}
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def last_admin_change():
    return AuditEvent.objects.filter(event=Event.ADMIN_CHANGE).order_by("-id").first()


def test_an_open_campaign_shows_deadlines_quota_and_publication_read_only(admin_client):
    campaign = CampaignFactory(state=CampaignState.OPEN)
    html = admin_client.get(change_url(campaign)).content.decode()
    for name in Campaign.PROVINCE_DECIDES:
        assert f'name="{name}"' not in html, name
    assert 'name="title"' in html


def test_the_admin_refuses_a_deadline_or_quota_change_on_an_open_campaign(admin_client):
    campaign = CampaignFactory(state=CampaignState.OPEN)
    later = campaign.city_deadline + dt.timedelta(days=20)
    response = admin_client.post(change_url(campaign), campaign_post(campaign, city_deadline=later, quota_per_cluster=5))
    assert response.status_code == 200  # the form again, with the reason next to each field
    html = response.content.decode()
    assert "由省级审核员办理，不能在后台修改" in html and "延长截止日期" in html
    stored = Campaign.objects.get(pk=campaign.pk)
    assert stored.city_deadline == campaign.city_deadline and stored.quota_per_cluster == 3
    assert not AuditEvent.objects.filter(event=Event.ADMIN_CHANGE).exists()


def test_the_admin_refuses_to_publish_a_closed_campaign_or_set_it_back_to_not_started(admin_client):
    campaign = CampaignFactory(state=CampaignState.CLOSED)
    response = admin_client.post(change_url(campaign), campaign_post(campaign, results_published_at_0="2024-12-01", results_published_at_1="10:00:00"))
    assert response.status_code == 200 and "由省级审核员办理" in response.content.decode()
    response = admin_client.post(change_url(campaign), campaign_post(campaign, state=CampaignState.NOT_STARTED))
    assert response.status_code == 200 and "不能改回「未开始」" in response.content.decode()
    stored = Campaign.objects.get(pk=campaign.pk)
    assert stored.results_published_at is None and stored.state == CampaignState.CLOSED


def test_other_fields_of_an_open_campaign_still_change_and_the_audit_holds_old_and_new(admin_client):
    campaign = CampaignFactory(state=CampaignState.OPEN)
    response = admin_client.post(change_url(campaign), campaign_post(campaign, document_number="冀企产〔2024〕13号"))
    assert response.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).document_number == "冀企产〔2024〕13号"
    entry = last_admin_change()
    assert entry.object_type == "directory.campaign" and entry.object_id == str(campaign.pk)
    assert entry.changes == {"document_number": ["冀企产〔2024〕12号", "冀企产〔2024〕13号"]}
    assert "通知文号：冀企产〔2024〕12号 → 冀企产〔2024〕13号" in entry.detail


def test_a_campaign_not_yet_open_can_still_be_planned_in_the_admin(admin_client):
    campaign = CampaignFactory(year=2025, state=CampaignState.NOT_STARTED)
    later = campaign.city_deadline + dt.timedelta(days=10)
    response = admin_client.post(change_url(campaign), campaign_post(
        campaign, enterprise_deadline=campaign.enterprise_deadline, county_deadline=campaign.county_deadline,
        city_deadline=later, quota_per_cluster=4,
    ))
    assert response.status_code == 302
    stored = Campaign.objects.get(pk=campaign.pk)
    assert stored.city_deadline == later and stored.quota_per_cluster == 4
    assert last_admin_change().changes == {
        "city_deadline": [campaign.city_deadline.isoformat(), later.isoformat()],
        "quota_per_cluster": ["3", "4"],
    }


def test_a_reviewing_city_change_is_audited_with_old_and_new(admin_client):
    division = Division.objects.get(code="130629")  # 容城县, reviewed by 保定市 until 雄安新区 takes it over
    old_city = division.reviewing_city_id
    response = admin_client.post(change_url(division), {"reviewing_city": "133100"})
    assert response.status_code == 302
    assert last_admin_change().changes == {"reviewing_city": [old_city, "133100"]}


def test_adding_and_deleting_are_audited_with_the_values(admin_client):
    response = admin_client.post(
        reverse("admin:directory_cluster_add"),
        {"name": "安平县新材料产业集群", "county": "131125", "industry": "新材料", "confirmed_year": 2023, "active": "on"},
    )
    assert response.status_code == 302
    cluster = Cluster.objects.get(name="安平县新材料产业集群")
    added = last_admin_change()
    assert added.changes["name"] == ["", "安平县新材料产业集群"] and added.changes["county"] == ["", "131125"]
    response = admin_client.post(reverse("admin:directory_cluster_delete", args=[cluster.pk]), {"post": "yes"})
    assert response.status_code == 302
    deleted = last_admin_change()
    assert "删除" in deleted.detail and deleted.changes["name"] == ["安平县新材料产业集群", ""]


def test_a_library_model_change_is_audited_too(admin_client):
    permission = Permission.objects.get(codename="view_division")
    response = admin_client.post(reverse("admin:auth_group_add"), {"name": "资料维护", "permissions": [permission.pk]})
    assert response.status_code == 302
    group = Group.objects.get(name="资料维护")
    assert last_admin_change().changes["permissions"] == ["", str(permission)]
    response = admin_client.post(change_url(group), {"name": "参考资料维护", "permissions": []})
    assert response.status_code == 302
    assert last_admin_change().changes == {"name": ["资料维护", "参考资料维护"], "permissions": [str(permission), ""]}


def test_a_role_change_is_audited_and_a_password_never_appears(admin_client):
    official = county_official("131125")
    old_hash = official.password
    data = {
        "username": official.username, "full_name": official.full_name, "email": official.email, "phone": "",
        "role": Role.CITY, "unit": "131100", "enterprise": "", "is_active": "on",
    }
    response = admin_client.post(change_url(official), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert last_admin_change().changes["role"] == [Role.COUNTY, Role.CITY]
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[official.pk]),
        {"password1": "Xq7#plover-river", "password2": "Xq7#plover-river"},
    )
    assert response.status_code == 302
    entry = last_admin_change()
    assert entry.changes["password"] == ["（已修改，内容不记录）", "（已修改，内容不记录）"]
    official.refresh_from_db()
    for event in AuditEvent.objects.all():
        assert old_hash not in f"{event.detail}{event.changes}" and official.password not in f"{event.detail}{event.changes}"


def test_the_sysadmin_cannot_change_its_own_role(client):
    admin_user = sysadmin()
    client.force_login(admin_user)
    html = client.get(change_url(admin_user)).content.decode()
    assert 'name="role"' not in html and 'name="is_active"' not in html
    client.post(change_url(admin_user), {"username": admin_user.username, "full_name": "x", "email": "", "phone": "", "role": Role.PROVINCE, "unit": "130000"})
    admin_user.refresh_from_db()
    assert admin_user.role == Role.SYSADMIN and admin_user.unit_id is None
