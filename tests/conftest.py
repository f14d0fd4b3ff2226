import pytest
from django.core.cache import cache

from portal.directory.models import Division
from portal.directory.reference import load_divisions

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def reference_data(request):
    """Hebei's divisions are reference data every database test may rely on (reloaded after a flushing test)."""
    if request.node.get_closest_marker("django_db") is None and not DB_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        if not Division.objects.exists():
            load_divisions()


@pytest.fixture(autouse=True)
def _clean_private_storage(settings, tmp_path):
    """Each test writes uploaded and generated files to its own private directory."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(location)}},
    }
    return location


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits (portal/accounts/throttle.py) live in the cache: every test starts with none counted."""
    cache.clear()
    yield
    cache.clear()
