"""No demo data in production: seed_demo refuses under the production settings, and `check --deploy` fails
while a demo account or an account with the published demo password exists."""

import subprocess
import sys

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from demo import production
from demo.production import demo_accounts_check
from portal.accounts.checks import trusted_proxies_check
from portal.accounts.validators import DEMO_PASSWORD
from tests.factories import city_official, county_official, enterprise_user, sysadmin
from tests.security.test_deploy import ROOT, production_env


def test_seed_demo_refuses_under_production_settings(tmp_path):
    database = tmp_path / "production.sqlite3"
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=production_env(DATABASE_URL=f"sqlite:///{database}"),
    )
    assert result.returncode != 0
    assert "生产环境" in result.stderr and "拒绝创建演示数据" in result.stderr
    assert not database.exists() or database.stat().st_size == 0  # refused before touching the database


@pytest.mark.django_db
def test_check_deploy_fails_while_a_demo_username_exists():
    county_official(username="county-131125")  # a demo name, not flagged, with another password
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", deploy=True)
    assert "demo.E001" in str(failed.value) and "county-131125" in str(failed.value)
    assert "demo.E002" not in str(failed.value)


@pytest.mark.django_db
def test_check_deploy_fails_while_an_account_has_the_demo_password():
    user = enterprise_user(username="ent-renamed", is_demo=True)
    user.set_password(DEMO_PASSWORD)
    user.save()
    ids = {error.id for error in demo_accounts_check()}
    assert ids == {"demo.E001", "demo.E002"}


@pytest.mark.django_db
def test_check_deploy_finds_the_demo_password_on_a_normally_named_official():
    official = county_official(username="anping-zhangli")
    official.set_password(DEMO_PASSWORD)  # as a copied demo database or a script would, past the validators
    official.save()
    [error] = demo_accounts_check()
    assert error.id == "demo.E002" and "anping-zhangli" in error.msg


@pytest.mark.django_db
def test_demo_accounts_and_administrators_are_checked_before_the_bound(monkeypatch):
    monkeypatch.setattr(production, "MAX_PASSWORD_CHECKS", 2)
    for username in ("xingtai-wang", "hengshui-li"):
        city_official(username=username)
    flagged = enterprise_user(username="ent-copied", is_demo=True)
    administrator = sysadmin(username="sys-zhao")
    for user in (flagged, administrator):
        user.set_password(DEMO_PASSWORD)
        user.save()
    assert production.accounts_with_demo_password() == ["ent-copied", "sys-zhao"]


@pytest.mark.django_db
def test_no_demo_account_no_error():
    enterprise_user(username="ordinary")
    assert demo_accounts_check() == []


def test_unreadable_trusted_proxy_is_an_error(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "unix", "10.0.0.0/8", "nginx.local"]
    assert [error.id for error in trusted_proxies_check()] == ["accounts.E003"]
    assert isinstance(trusted_proxies_check()[0], Error)
