"""The session engine: Django's `cached_db`, reading the signed-in account in the same round trip to the cache.

A session key belongs to one account for its whole life (logging in always makes a new key, logging out deletes it),
so once this process has read a session it remembers whose it is. The next read of that session fetches the session
and the account's cached copy (portal/accounts/backends.py) with one `get_many`, and hands the account over to the
authentication backend, which would otherwise fetch it on its own: a signed-in request makes one round trip to the
cache instead of two. The backend takes the account only for the user id the session holds; Django then checks the
session hash against it as always.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db

from portal.accounts.backends import account_cache_key, read_with_session

# Sessions this process has read, and their accounts. Forgotten all at once when full: a session not in it is read as
# Django reads it, then remembered.
_OWNERS_KEPT = 10_000
_owners: dict[str, str] = {}


class SessionStore(cached_db.SessionStore):
    def load(self):
        read_with_session(None, None)  # the backend takes an account from this read or from nowhere
        owner = _owners.get(self.session_key)
        data = None
        if owner is not None:
            account_key = account_cache_key(owner)
            try:
                found = self._cache.get_many([self.cache_key, account_key])
            except Exception:  # as cached_db does: a cache that cannot answer leaves it to the database
                found = {}
            data = found.get(self.cache_key)
            read_with_session(owner, found.get(account_key))
        if data is None:
            data = super().load()
        self._remember_owner(data)
        return data

    def _remember_owner(self, data) -> None:
        owner = data.get(SESSION_KEY)
        if owner is None or self.session_key is None:
            return
        if len(_owners) >= _OWNERS_KEPT:
            _owners.clear()
        _owners[self.session_key] = owner

    def delete(self, session_key=None):
        _owners.pop(session_key or self.session_key, None)
        super().delete(session_key)
