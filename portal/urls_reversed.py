"""URLs reversed once per process: the menu of every page and the middleware's allowed paths would otherwise reverse
a dozen names on every request (about a tenth of a signed-in empty page's time), and a list of 100 rows 300 URLs."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=256)
def _reversed(name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


def reversed_url(name: str) -> str:
    """reverse(name) for a URL that takes no arguments, kept per script prefix and URL configuration."""
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


_MARK = 987654321  # stands for the primary key while the URL is reversed once


@functools.lru_cache(maxsize=64)
def _around_pk(name: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_MARK], urlconf=urlconf).partition(str(_MARK))
    return head, tail


def reversed_with_pk(name: str, pk) -> str:
    """reverse(name, args=[pk]) for a URL whose one argument is a primary key: reversed once per name, then each
    key only set in."""
    head, tail = _around_pk(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{head}{int(pk)}{tail}"
