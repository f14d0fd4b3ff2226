"""Each role's home and navigation, and the signed-out visitor's links: read by the home view and the base template."""

from portal.accounts.models import Role

ROLE_HOME = {
    Role.ENTERPRISE: "applications:home",
    Role.COUNTY: "review:county_home",
    Role.CITY: "review:city_home",
    Role.PROVINCE: "review:province_home",
    Role.SYSADMIN: "accounts:sysadmin_home",
    Role.AUDITOR: "audit:log",
}

ROLE_MENU = {
    Role.ENTERPRISE: [("我的申报", "applications:home"), ("我的称号", "titles:my_titles")],
    Role.COUNTY: [
        ("县级初审", "review:county_home"),
        ("初审队列", "review:county_queue"),
        ("年度运行监测", "titles:monitoring_county"),
    ],
    Role.CITY: [("市级审核汇总", "review:city_home"), ("按集群排序与上报", "review:city_clusters")],
    Role.PROVINCE: [
        ("省级审定", "review:province_home"),
        ("申报列表", "review:province_list"),
        ("抽查", "review:spot_checks"),
        ("会议研究", "review:meetings"),
    ],
    Role.SYSADMIN: [("工作台", "accounts:sysadmin_home"), ("后台管理", "admin:index")],
    Role.AUDITOR: [("审计日志", "audit:log")],
}

# The header's links for a visitor who is not signed in (right of the header, where a signed-in user sees their name).
GUEST_MENU = [("办事指南", "guide"), ("企业注册", "applications:register"), ("登录", "accounts:login")]
