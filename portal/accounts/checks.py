"""System checks of this app: a trusted-proxy entry that cannot be read is an error."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def trusted_proxies_check(app_configs=None, **kwargs):
    errors = []
    for entry in settings.TRUSTED_PROXIES:
        if entry.strip() == "unix":
            continue
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(Error(
                f"TRUSTED_PROXIES 中的「{entry}」不是地址或网段。",
                hint="写成 127.0.0.1、10.0.0.0/8 或 unix（经 unix socket 连接的代理），以逗号分隔。", id="accounts.E003",
            ))
    return errors
