"""The pages the benchmark measures. Add a page here: key, label, who looks at it, URL names, arguments.

`arguments()` runs inside Django (bench/django_side.py) against the seeded database and returns
(url args, query string); it raises LookupError when the data it needs is missing. The first URL name
that exists is used, so a page that is not built yet is reported as "not measured yet".
"""

from dataclasses import dataclass, field

FLOOR = "floor"

DEMO_COUNTY = "county-131125"
DEMO_CITY = "city-131100"


def _none():
    return [], ""


def _county_application():
    """An application in the demo county's queue of the open campaign (the busiest detail page)."""
    from applications.models import State
    from applications.selectors import applications_visible_to
    from portal.accounts.models import User
    from portal.directory.models import Campaign

    user = User.objects.get(username=DEMO_COUNTY)
    visible = applications_visible_to(user).filter(campaign=Campaign.current())
    application = (
        visible.filter(state=State.CITY_REVIEW).order_by("pk").first()
        or visible.filter(state=State.COUNTY_REVIEW).order_by("pk").first()
    )
    if application is None:
        raise LookupError("演示县没有已提交的申报")
    return [application.pk], ""


def _every_state():
    """The queue's 全部 tab: a full page of 20 at both sizes (the demo county has 7 awaiting 初审 at 3,600 and more
    than 20 at 36,000, so the default tab would compare 7 rows with 20, not a small database with a large one)."""
    return [], "?state=all"


def _latest_closed_year():
    """A finished campaign: the province list has more than one page of forwarded applications there."""
    from portal.directory.models import Campaign, CampaignState

    campaign = Campaign.objects.filter(state=CampaignState.CLOSED).order_by("-year").first()
    return [], f"?year={campaign.year}" if campaign else ""


def _certificate_token():
    from review.models import Certificate

    certificate = Certificate.objects.filter(revoked_at__isnull=True).order_by("pk").first()
    if certificate is None:
        raise LookupError("没有证书")
    return [certificate.token], ""


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    username: str | None  # None: anonymous
    url_names: tuple
    arguments: object = field(default=_none)


PAGES = [
    Page(FLOOR, "基准：/healthz（一次查询的小模板）", None, ("health",)),
    # The signed-in empty page: the floor again, signed in; what every signed-in page pays before its view runs
    # (session, account, second factor). Goal: within 1.5× the floor, at most 2 queries before the page's own.
    Page("floor_signed_in", "已登录的空页面：/healthz（县级审核员）", DEMO_COUNTY, ("health",)),
    Page("login", "登录页", None, ("accounts:login",)),
    Page("home_enterprise", "企业用户首页", "ent-131125-1", ("applications:home",)),
    Page("home_county", "县级审核员首页", DEMO_COUNTY, ("review:county_home",)),
    Page("home_city", "市级审核员首页", DEMO_CITY, ("review:city_home",)),
    Page("home_province", "省级审核员首页", "province", ("review:province_home",)),
    Page("home_sysadmin", "系统管理员工作台", "admin", ("accounts:sysadmin_home",)),
    Page("home_auditor", "审计管理员首页（审计日志）", "auditor", ("audit:log",)),
    Page("county_queue", "县级初审队列（全部，每页20条）", DEMO_COUNTY, ("review:county_queue",), _every_state),
    Page("city_clusters", "市级按集群审核汇总", DEMO_CITY, ("review:city_clusters",)),
    Page("province_list", "省级申报列表（每页20条，最近已结束批次）", "province", ("review:province_list",),
         _latest_closed_year),
    Page("application_detail", "申报详情（县级审核员）", DEMO_COUNTY, ("review:application_detail",),
         _county_application),
    Page("verify", "证书公开验证页", None, ("verify",), _certificate_token),
    # Every other list page: each grows with the data unless it is paginated and counted in the database.
    Page("meetings", "会议研究列表（最近已结束批次）", "province", ("review:meetings",), _latest_closed_year),
    Page("notifications", "通知列表（县级审核员）", DEMO_COUNTY, ("review:notifications",)),
    Page("notifications_enterprise", "通知列表（企业用户）", "ent-131125-1", ("review:notifications",)),
    Page("spot_checks", "抽查列表", "province", ("review:spot_checks",)),
    Page("certificates", "证书列表", "province", ("titles:certificates",)),
    Page("monitoring_province", "年度运行监测（省级）", "province", ("titles:monitoring_province",)),
    Page("monitoring_county", "年度运行监测（县级）", DEMO_COUNTY, ("titles:monitoring_county",)),
    Page("publicity_manage", "公示管理", "province", ("titles:publicity_manage",)),
    Page("public_awarded", "已认定企业名单（公开）", None, ("review:public_awarded",)),
    # The province's charts: computed in the database, the same time at both sizes.
    Page("dashboard", "称号与统计（省级图表）", "province", ("titles:province_dashboard",)),
]
