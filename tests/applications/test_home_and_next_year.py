"""The enterprise home, starting an application and next year's copy."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from applications.services import ApplicationError, application_start
from portal.directory.models import CampaignState
from review.models import Certificate
from tests.factories import (
    ApplicationFactory,
    CampaignFactory,
    EnterpriseFactory,
    add_material,
    eligible_application,
    enterprise_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year():
    """Last campaign (closed) with an awarded, complete application; this year's campaign is open."""
    old = CampaignFactory(year=2023, state=CampaignState.CLOSED)
    application = eligible_application(campaign=old)
    Application.objects.filter(pk=application.pk).update(state=State.AWARDED, version=7)
    CampaignFactory(year=2024)
    return application


def test_next_year_copy_takes_data_not_files(client, last_year):
    user = last_year.enterprise.users.get()
    client.force_login(user)
    home = client.get(reverse("applications:home")).content.decode()
    assert f'name="copy_from" value="{last_year.pk}"' in home
    response = client.post(reverse("applications:start"), {"copy_from": last_year.pk}, follow=True)
    new = Application.objects.get(enterprise=last_year.enterprise, campaign__year=2024)
    assert response.redirect_chain[-1][0] == reverse("applications:report", args=[new.pk])
    assert new.state == State.DRAFT and new.version == 0 and new.submitted_at is None
    for name in ("report_basic", "report_leading", "revenue", "owners_equity", "iso9000_number", "established_on",
                 "rd_institution_name", "patents_utility", "cluster_rank"):
        assert getattr(new, name) == getattr(last_year, name), name
    assert [(h.kind, h.name) for h in new.honours.all()] == [(h.kind, h.name) for h in last_year.honours.all()]
    assert [p.credit_code for p in new.partners.all()] == [p.credit_code for p in last_year.partners.all()]
    assert not new.materials.exists()
    assert last_year.materials.count() == 4  # last year's files stay with last year
    assert not new.declares_truthful and not new.declares_policy_compliance
    assert "已复制 2023 年度" in " ".join(str(m) for m in response.context["messages"])


def test_start_without_copy_is_empty_and_a_second_start_reuses_it(client, last_year):
    client.force_login(last_year.enterprise.users.get())
    client.post(reverse("applications:start"))
    client.post(reverse("applications:start"))
    new = Application.objects.get(enterprise=last_year.enterprise, campaign__year=2024)
    assert new.report_basic == "" and not new.partners.exists()


def test_cannot_copy_another_enterprises_application(client, last_year):
    stranger = enterprise_user()
    client.force_login(stranger)
    assert client.post(reverse("applications:start"), {"copy_from": last_year.pk}).status_code == 404
    assert not Application.objects.filter(enterprise=stranger.enterprise).exists()


def test_application_start_refuses_a_closed_campaign():
    campaign = CampaignFactory(year=2022, state=CampaignState.CLOSED)
    enterprise = EnterpriseFactory()
    with pytest.raises(ApplicationError):
        application_start(enterprise=enterprise, campaign=campaign, actor=enterprise_user(enterprise))


def test_home_shows_state_missing_items_and_start(client, campaign):
    user = enterprise_user()
    client.force_login(user)
    page = client.get(reverse("applications:home")).content.decode()
    assert "开始申报" in page
    client.post(reverse("applications:start"))
    page = client.get(reverse("applications:home")).content.decode()
    assert "当前状态" in page and "草稿" in page
    assert "申请报告「企业基本情况」未填写" in page
    assert "继续填写" in page


def test_home_shows_certificate_number(client):
    campaign = CampaignFactory()
    application = eligible_application(campaign=campaign)
    Application.objects.filter(pk=application.pk).update(state=State.AWARDED)
    Certificate.objects.create(
        application=application, campaign=campaign, serial=1, number="冀企产龙〔2024〕第001号",
        issued_on=timezone.localdate(),
    )
    client.force_login(application.enterprise.users.get())
    page = client.get(reverse("applications:home")).content.decode()
    assert "冀企产龙〔2024〕第001号" in page
    assert "已认定为河北省产业集群龙头企业" in page
    assert "继续填写" not in page


def test_one_enterprise_cannot_see_another_enterprises_application(client, campaign):
    mine = ApplicationFactory(campaign=campaign)
    theirs = eligible_application(campaign=campaign)
    client.force_login(enterprise_user(mine.enterprise))
    assert theirs.enterprise.name not in client.get(reverse("applications:home")).content.decode()
    for name in ("detail", "report", "form", "materials", "submit"):
        assert client.get(reverse(f"applications:{name}", args=[theirs.pk])).status_code == 404, name
    for material in theirs.materials.all():
        assert client.get(reverse("applications:material_download", args=[material.pk])).status_code == 404


def test_officials_and_anonymous_cannot_use_enterprise_pages(client, draft):
    from tests.factories import county_official

    url = reverse("applications:report", args=[draft.pk])
    assert client.get(url).status_code == 302
    client.force_login(county_official("131125"))
    assert client.get(url).status_code == 403
    assert client.get(reverse("applications:register")).status_code == 302  # logged in: no registration


# Query counts do not grow with the rows shown


def test_materials_page_query_count_does_not_grow(owner_client, draft, django_assert_max_num_queries):
    url = reverse("applications:materials", args=[draft.pk])
    add_material(draft, "honours")
    with django_assert_max_num_queries(20) as small:
        owner_client.get(url)
    for _ in range(15):
        add_material(draft, "honours")
    with django_assert_max_num_queries(len(small.captured_queries)):
        owner_client.get(url)


def test_detail_and_submit_pages_query_count_does_not_grow(client, campaign, django_assert_max_num_queries):
    application = eligible_application(campaign=campaign)
    client.force_login(application.enterprise.users.get())
    urls = [reverse(f"applications:{name}", args=[application.pk]) for name in ("detail", "submit", "form")]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    for n in range(12, 40):
        application.partners.create(name=f"协作{n}", credit_code=f"X{n}", cooperation="配套")
        add_material(application, "other")
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            client.get(url)


def test_home_query_count_does_not_grow_with_campaigns(client, django_assert_max_num_queries):
    user = enterprise_user()
    client.force_login(user)
    CampaignFactory(year=2024)
    ApplicationFactory(enterprise=user.enterprise, campaign__year=2024)
    ApplicationFactory(enterprise=user.enterprise, campaign=CampaignFactory(year=2023, state=CampaignState.CLOSED))
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("applications:home"))
    for year in range(2015, 2023):
        ApplicationFactory(enterprise=user.enterprise, campaign=CampaignFactory(year=year, state=CampaignState.CLOSED))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("applications:home"))
