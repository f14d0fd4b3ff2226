"""Figures counted over a campaign's applications (the home pages' cards and next steps, the work lists' tabs, the
meetings page), kept in the cache until something they count changes.

Counting grows with the campaign: at 3,600 applications in one campaign the province's home page spent about 40 ms
in its aggregates. Every write that changes what the figures count (a transition, the county's verification, the
city's ranking, the publication of the results) calls `figures_changed`, which moves the campaign to a new version (at
once and when its transaction commits): the next page counts again, every later page reads the cache. A page therefore never
shows a figure older than the last change made through the portal; `MAX_AGE` bounds what a write outside it (the
shell, a restore) can leave behind. With several server processes the cache must be shared (Redis through
`REDIS_URL`, else the production settings' database cache); `make run` is one process with its local memory.
"""

import contextlib
import functools
import hashlib
import time

from django.core.cache import cache
from django.db import transaction

from applications.selectors import jurisdiction_key

MAX_AGE = 10 * 60  # seconds


def _version_key(campaign_id) -> str:
    return f"campaign-figures-version:{campaign_id}"


def _version(campaign_id) -> int:
    key = _version_key(campaign_id)
    version = cache.get(key)
    if version is None:
        # A new start (an emptied cache) never meets an entry of an earlier one: versions begin at the clock.
        cache.add(key, time.time_ns(), None)
        version = cache.get(key)
    return version


def figures_changed(campaign_id) -> None:
    """What the campaign's figures count has changed: they are counted again on the next page. Moved on at once and
    again when the transaction commits, so a page counted between the two (still seeing the old rows) is not kept;
    a rolled-back write costs one needless count."""

    def bump():
        with contextlib.suppress(ValueError):  # no version yet: nothing is kept to forget
            cache.incr(_version_key(campaign_id))

    bump()
    transaction.on_commit(bump)


def campaign_figure(compute):
    """Decorate `compute(user, campaign, *args, **kwargs)`: its answer is kept per campaign version, per jurisdiction
    (what `user` may see) and per arguments. Without a campaign it is computed as it stands."""

    @functools.wraps(compute)
    def figure(user, campaign, *args, **kwargs):
        if campaign is None:
            return compute(user, campaign, *args, **kwargs)
        asked = repr((compute.__name__, jurisdiction_key(user), args, sorted(kwargs.items())))
        key = f"campaign-figure:{campaign.pk}:{_version(campaign.pk)}:{hashlib.sha256(asked.encode()).hexdigest()}"
        value = cache.get(key)
        if value is None:
            value = compute(user, campaign, *args, **kwargs)
            cache.set(key, value, MAX_AGE)
        return value

    return figure
