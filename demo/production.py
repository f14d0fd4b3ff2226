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
from django.db.models import Case, Q, Value, When

from demo.seed import ENTERPRISES, OFFICIALS
from portal.accounts.models import SECOND_FACTOR_ROLES, Role, User
from portal.accounts.validators import DEMO_PASSWORD

PRODUCTION_REFUSED = (
    "当前为生产环境配置（DEMO_DATA_ALLOWED 未开启），拒绝创建演示数据：演示账号使用公开的密码，"
    "不得出现在正式系统中。请在开发或测试环境中运行本命令。"
)
# How many accounts have their password hashed against the demo password (accounts_with_demo_password()): each
# costs a full password hash, a fraction of a second with Django's PBKDF2, so `check --deploy` stays under a
# minute. Enough for the demo accounts, the administrators, the province, the cities and the first counties.
MAX_PASSWORD_CHECKS = 100


def refuse_demo_data_in_production() -> None:
    """Called first by seed_demo: raises CommandError (non-zero exit, Chinese message) under production settings."""
    if not settings.DEMO_DATA_ALLOWED:
        raise CommandError(PRODUCTION_REFUSED)


def demo_usernames() -> set[str]:
    return {row[0] for row in OFFICIALS} | {row[0] for row in ENTERPRISES}


def demo_accounts() -> list[str]:
    """Usernames of the demo accounts present: the known demo names and any account flagged as demo."""
    return sorted(User.objects.filter(_demo_account()).values_list("username", flat=True))


def _demo_account() -> Q:
    return Q(username__in=demo_usernames()) | Q(is_demo=True)


def accounts_with_demo_password() -> list[str]:
    """Active accounts that still have the demo password, among the MAX_PASSWORD_CHECKS most exposed.

    No password set through the portal can be the demo password (forms, admin and create_official refuse it:
    portal/accounts/validators.py), so an account holds it only when carried over from a demo database or set
    in code. Hashing every account is not affordable (thousands of enterprises, a full hash each), so the
    check goes in this order and stops at the bound: the demo names and accounts flagged as demo, then the
    系统管理员 and 审计管理员, then the officials from the province down to the counties (those who see and
    decide on every enterprise's application). Enterprise accounts other than the demo ones are not hashed:
    each one reaches only its own enterprise's data.
    """
    exposure = Case(
        When(_demo_account(), then=Value(0)),
        When(role__in=[Role.SYSADMIN, Role.AUDITOR], then=Value(1)),
        When(role=Role.PROVINCE, then=Value(2)),
        When(role=Role.CITY, then=Value(3)),
        default=Value(4),
    )
    candidates = (
        User.objects.filter(_demo_account() | Q(role__in=SECOND_FACTOR_ROLES), is_active=True)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)  # nobody can log in with an unusable password
        .order_by(exposure, "id")
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
