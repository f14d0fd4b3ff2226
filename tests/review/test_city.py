"""市级审核汇总: applications grouped by cluster with the quota, and the 集群内推荐排序."""

import datetime as dt

import pytest
from django.urls import reverse

from applications.models import Application, State
from review.services import Refused, application_set_city_ranks
from tests.factories import ClusterFactory, EnterpriseFactory, city_official
from tests.review.journey import actor_for, application_in, qinghe_enterprise, walk

pytestmark = pytest.mark.django_db


def test_city_page_groups_by_cluster_with_the_quota(client):
    cluster = ClusterFactory()
    forwarded = application_in(State.PROVINCE_REVIEW, enterprise=EnterpriseFactory(cluster=cluster, name="上报企业甲"))
    waiting = application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster, name="待审企业乙"))
    other_cluster = ClusterFactory(name="安平县另一产业集群", county_id="131125", industry="其他")
    application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=other_cluster, name="另一集群企业丙"))
    application_in(State.COUNTY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster, name="县级未过企业丁"))
    application_in(State.CITY_REVIEW, enterprise=qinghe_enterprise(name="邢台企业戊"))
    client.force_login(actor_for(waiting, "city_forward"))
    page = client.get(reverse("review:city_clusters")).content.decode()
    assert f'id="cluster-{cluster.pk}"' in page and f'id="cluster-{other_cluster.pk}"' in page
    section = page[page.index(f'id="cluster-{cluster.pk}"'):page.index(f'id="cluster-{other_cluster.pk}"')]
    assert "上报企业甲" in section and "待审企业乙" in section and "1/3" in section
    assert f'name="rank_{waiting.pk}"' in section and f'name="rank_{forwarded.pk}"' not in section
    assert "县级未过企业丁" not in page and "邢台企业戊" not in page
    assert "{# documents: city export buttons #}" not in page  # a template comment, invisible


def test_ranks_are_saved_and_order_the_cluster(client):
    cluster = ClusterFactory()
    first, second = (application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster)) for _ in range(2))
    client.force_login(actor_for(first, "city_forward"))
    response = client.post(
        reverse("review:city_cluster_rank", args=[cluster.pk]), {f"rank_{first.pk}": "2", f"rank_{second.pk}": "1"}
    )
    assert response.status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.city_rank, second.city_rank) == (2, 1)
    page = client.get(reverse("review:city_clusters")).content.decode()
    assert page.index(second.enterprise.name) < page.index(first.enterprise.name)


def test_duplicate_ranks_are_refused_and_the_typed_numbers_kept(client):
    cluster = ClusterFactory()
    first, second = (application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster)) for _ in range(2))
    client.force_login(actor_for(first, "city_forward"))
    response = client.post(
        reverse("review:city_cluster_rank", args=[cluster.pk]), {f"rank_{first.pk}": "1", f"rank_{second.pk}": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "排序号不能重复：1。" in page
    assert page.count('value="1"') >= 2
    assert Application.objects.filter(pk__in=[first.pk, second.pk], city_rank__isnull=False).count() == 0


def test_forwarded_ranks_are_frozen_and_not_reused():
    cluster = ClusterFactory()
    forwarded = application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    city = actor_for(forwarded, "city_forward")
    application_set_city_ranks(actor=city, campaign=forwarded.campaign, cluster_id=cluster.pk, ranks={forwarded.pk: 1})
    walk(forwarded, "city_forward")
    waiting = application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    with pytest.raises(Refused, match="已不在待市级审核状态"):
        application_set_city_ranks(actor=city, campaign=forwarded.campaign, cluster_id=cluster.pk, ranks={forwarded.pk: 2})
    with pytest.raises(Refused, match="排序号不能重复"):
        application_set_city_ranks(actor=city, campaign=forwarded.campaign, cluster_id=cluster.pk, ranks={waiting.pk: 1})
    application_set_city_ranks(actor=city, campaign=forwarded.campaign, cluster_id=cluster.pk, ranks={waiting.pk: 2})
    waiting.refresh_from_db()
    assert waiting.city_rank == 2


def test_ranking_after_the_city_deadline_is_refused():
    application = application_in(State.CITY_REVIEW)
    campaign = application.campaign
    campaign.city_deadline = dt.date(2024, 10, 31)
    campaign.save(update_fields=["city_deadline"])
    with pytest.raises(Refused, match="已超过市级审核截止时间"):
        application_set_city_ranks(
            actor=actor_for(application, "city_forward"), campaign=campaign, cluster_id=application.cluster_id,
            ranks={application.pk: 1},
        )


def test_another_citys_official_cannot_rank_ours():
    application = application_in(State.CITY_REVIEW)
    with pytest.raises(Refused):
        application_set_city_ranks(
            actor=city_official("130500"), campaign=application.campaign, cluster_id=application.cluster_id,
            ranks={application.pk: 1},
        )
    application.refresh_from_db()
    assert application.city_rank is None


def test_city_home_shows_quota_and_next_step(client):
    application = application_in(State.CITY_REVIEW)
    client.force_login(actor_for(application, "city_forward"))
    page = client.get(reverse("review:city_home")).content.decode()
    assert "1 件待市级审核" in page and "其中 1 件尚未排序" in page
    assert "0/3" in page


def test_ranking_another_citys_cluster_answers_404(client):
    application = application_in(State.CITY_REVIEW)
    client.force_login(city_official("130500"))
    response = client.post(reverse("review:city_cluster_rank", args=[application.cluster_id]), {f"rank_{application.pk}": "1"})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.city_rank is None
