import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture
def enforce_2fa(settings):
    """The test settings switch the second factor off for force_login elsewhere; here it is real."""
    settings.TWO_FACTOR_ENFORCED = True
    return settings


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The 6-digit code an authenticator would show now (or a step later, for a second use)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + steps_ahead):06d}"


def give_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)


def verified_login(client, user):
    """Log in and pass the second factor the way a browser would."""
    device = give_device(user)
    client.force_login(user)
    response = client.post("/accounts/two-factor/", {"token": current_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
    return device
