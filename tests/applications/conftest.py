import pytest

from tests.factories import ApplicationFactory, CampaignFactory, enterprise_user


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def draft(campaign):
    """An empty draft of an enterprise of 安平县, with its login account."""
    application = ApplicationFactory(campaign=campaign)
    enterprise_user(application.enterprise)
    return application


@pytest.fixture
def owner(draft):
    return draft.enterprise.users.get()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
