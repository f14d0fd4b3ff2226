"""URLs reversed once per process are those reverse() gives, under whatever script prefix the portal is served."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from portal.accounts.navigation import GUEST_MENU, ROLE_MENU
from portal.urls_reversed import reversed_url, reversed_with_pk

NAMES = sorted({name for menu in [GUEST_MENU, *ROLE_MENU.values()] for _, name in menu})


@pytest.fixture
def served_under_a_prefix():
    before = get_script_prefix()
    set_script_prefix("/portal/")
    yield
    set_script_prefix(before)


@pytest.mark.parametrize("name", NAMES)
def test_a_menu_link_is_the_one_reverse_gives(name):
    assert reversed_url(name) == reverse(name)


def test_a_prefix_is_followed_not_remembered(served_under_a_prefix):
    assert reversed_url("accounts:login") == reverse("accounts:login") == "/portal/accounts/login/"
    assert reversed_with_pk("review:application_detail", 42) == reverse("review:application_detail", args=[42])
    assert reversed_with_pk("review:application_detail", 42).startswith("/portal/")
