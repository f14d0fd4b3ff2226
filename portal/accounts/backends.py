"""Authentication backend: Django's ModelBackend, with the account and its unit kept in the cache between requests."""

import copy
import functools
import hashlib
from contextvars import ContextVar

import rules
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.core.cache import cache
from django.db import transaction

from portal.accounts.models import SESSION_HASH_FIELD

# A minute: an account is forgotten when it is saved, at once and when the transaction commits; the minute bounds the
# one case that survives (a request that read the account just before a change committed and caches it just after).
ACCOUNT_CACHE_SECONDS = 60
# Where the account lives in the cache: per account, per SECRET_KEY (the session hash kept with it is made with the
# key), and per version of what is kept (a change of the model or of this code starts afresh).
_KEY_PREFIX = "account:v1:"


@functools.lru_cache(maxsize=4)
def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def account_cache_key(user_id) -> str:
    return f"{_KEY_PREFIX}{_fingerprint(settings.SECRET_KEY)}:{user_id}"


def forget_accounts(user_ids) -> None:
    """Drop the cached copies of these accounts, now and when the transaction commits: the next request reads them
    from the database (after any change to the account or its unit, `portal/accounts/signals.py`)."""
    keys = [account_cache_key(pk) for pk in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


# The account the session engine read together with the session (portal/accounts/sessions.py), for get_user in the
# same request: (user id, the cached copy or None if the cache had none), taken once.
_read_with_session: ContextVar = ContextVar("account_read_with_session", default=None)


def read_with_session(user_id, account) -> None:
    _read_with_session.set(None if user_id is None else (str(user_id), account))


def _cached_account(user_id):
    """The cached copy of the account, from the session's read if it fetched it, else from the cache."""
    handed = _read_with_session.get()
    _read_with_session.set(None)
    if handed is not None and handed[0] == str(user_id):
        return handed[1]
    return cache.get(account_cache_key(user_id))


def _cached_copy(user):
    """The account as kept in the cache: without its password hash (a deferred field, read from the database only by
    the pages that check or change the password), with the session hash Django checks on every request."""
    cached = copy.copy(user)  # Django's own copy of an instance: its state and related objects included
    cached.__dict__[SESSION_HASH_FIELD] = user.get_session_auth_hash()
    del cached.__dict__["password"]
    return cached


class ModelBackend(backends.ModelBackend):
    """Every signed-in request loads its user (django.contrib.auth.get_user); the navigation, the jurisdiction
    selectors and the rules then read the official's `unit`. Both come from the cache, kept for a minute and
    forgotten whenever the account or its unit is saved; on a miss, one query with a join. (Joining the enterprise as
    well would cost every official's request more to compile than it saves the enterprise pages.)

    The cached copy holds no password hash: only the session hash derived from it, which the session itself already
    holds. A page that checks or changes the password reads the hash from the database (a deferred field)."""

    def get_user(self, user_id):
        user = _cached_account(user_id)
        if user is None:
            user_model = get_user_model()
            try:
                user = user_model._default_manager.select_related("unit").get(pk=user_id)
            except user_model.DoesNotExist:
                return None
            cache.set(account_cache_key(user_id), _cached_copy(user), ACCOUNT_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None):
        """A permission the rules define (permissions/rules.py) is theirs alone to answer: asking the database's
        permission tables as well would cost two queries on every page that meets a rule answering no."""
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)
