"""Data for the steps a journey is not about, made through the same services the screens call."""

from applications.models import Application
from review.services import application_set_city_ranks, county_verification_save, perform_transition
from tests.factories import (
    CampaignFactory,
    ClusterFactory,
    EnterpriseFactory,
    city_official,
    county_official,
    eligible_application,
    enterprise_user,
    province_official,
)

DECLARED = ("revenue", "tax_total", "total_assets", "owners_equity", "cluster_rank")


class Officials:
    """The 安平县 county, 衡水市 city and provincial officials, with the names the screens show."""

    def __init__(self):
        self.county = county_official("131125", username="anping", full_name="李县审")
        self.city = city_official("131100", username="hengshui", full_name="张市审")
        self.province = province_official(username="hebei", full_name="王省审")


def open_campaign():
    campaign = CampaignFactory()
    return campaign, ClusterFactory()


def submitted_application(name, *, username=None, **fields):
    """An eligible application of a new enterprise in 安平县, submitted by its own user (赵丽)."""
    enterprise = EnterpriseFactory(name=name)
    user = enterprise_user(enterprise, full_name="赵丽", **({"username": username} if username else {}))
    application = eligible_application(enterprise=enterprise)
    if fields:  # what differs from the eligible defaults, e.g. the declared cluster_rank
        Application.objects.filter(pk=application.pk).update(**fields)
        application.refresh_from_db()
    perform_transition(application_id=application.pk, action="submit", actor=user)
    return application


def verify_as_declared(application, officials):
    data = {name: getattr(application, name) for name in DECLARED}
    county_verification_save(
        application_id=application.pk, actor=officials.county, data={**data, "remarks": ""}, version=0
    )


def passed_by_county(name, officials, **fields):
    application = submitted_application(name, **fields)
    verify_as_declared(application, officials)
    perform_transition(application_id=application.pk, action="county_pass", actor=officials.county)
    return application


def forwarded_by_city(name, officials, *, rank, **fields):
    application = passed_by_county(name, officials, **fields)
    application_set_city_ranks(
        actor=officials.city, campaign=application.campaign, cluster_id=application.cluster_id,
        ranks={application.pk: rank},
    )
    perform_transition(
        application_id=application.pk, action="city_forward", actor=officials.city, opinion=f"推荐排序第{rank}位，同意上报。"
    )
    return Application.objects.get(pk=application.pk)
