import pytest

from portal.directory.models import Division
from portal.directory.reference import load_divisions


@pytest.fixture(autouse=True)
def reference_data(django_db_setup, django_db_blocker):
    """Hebei's divisions are reference data every test may rely on (reloaded after a flushing test)."""
    with django_db_blocker.unblock():
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
