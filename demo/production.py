"""Demo data never reaches production: seed_demo refuses there, and `check --deploy` reports demo accounts
(registered by DemoConfig.ready(), so nothing outside demo/ imports it).

The demo accounts' password is published in the README; whoever logs in first as a demo official would also
enrol its second factor. settings.DEMO_DATA_ALLOWED is off under the production settings (a benchmark on a
throw-away database turns it on explicitly).
"""

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, check_password
from django.core.checks import Error, Tags, register
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q

from demo.seed import DEMO_PASSWORD, ENTERPRISES, OFFICIALS
from portal.accounts.models import User

PRODUCTION_REFUSED = (
    "当前为生产环境配置（DEMO_DATA_ALLOWED 未开启），拒绝创建演示数据：演示账号使用公开的密码，"
    "不得出现在正式系统中。请在开发或测试环境中运行本命令。"
)
# How many candidate accounts have their password hashed against the demo password (each costs a full
# password hash): the named demo accounts and a few more flagged as demo are all there should be.
MAX_PASSWORD_CHECKS = 50


def refuse_demo_data_in_production() -> None:
    """Called first by seed_demo: raises CommandError (non-zero exit, Chinese message) under production settings."""
    if not settings.DEMO_DATA_ALLOWED:
        raise CommandError(PRODUCTION_REFUSED)


def demo_usernames() -> set[str]:
    return {row[0] for row in OFFICIALS} | {row[0] for row in ENTERPRISES}


def demo_accounts() -> list[str]:
    """Usernames of the demo accounts present: the known demo names and any account flagged as demo."""
    return sorted(User.objects.filter(Q(username__in=demo_usernames()) | Q(is_demo=True)).values_list("username", flat=True))


def accounts_with_demo_password() -> list[str]:
    candidates = (
        User.objects.filter(Q(username__in=demo_usernames()) | Q(is_demo=True), is_active=True)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)  # nobody can log in with an unusable password
        .order_by("-is_demo", "id")
        .values_list("username", "password")[:MAX_PASSWORD_CHECKS]
    )
    return [username for username, encoded in candidates if check_password(DEMO_PASSWORD, encoded)]


def _shown(usernames: list[str]) -> str:
    return "、".join(usernames[:10]) + (f" 等 {len(usernames)} 个" if len(usernames) > 10 else "")


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs=None, **kwargs):
    if User._meta.db_table not in connection.introspection.table_names():
        return []  # not migrated yet: no account at all
    errors = []
    present = demo_accounts()
    if present:
        errors.append(Error(
            f"生产环境中存在演示账号：{_shown(present)}。",
            hint="停用并删除这些账号（或不要在生产数据库上运行 seed_demo）。", id="demo.E001",
        ))
    weak = accounts_with_demo_password()
    if weak:
        errors.append(Error(
            f"以下启用的账号仍使用公开的演示密码：{_shown(weak)}。",
            hint="立即停用这些账号或重置其密码。", id="demo.E002",
        ))
    return errors
