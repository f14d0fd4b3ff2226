"""`manage.py check --deploy`: QR codes on certificates and documents must point at the public address."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def public_base_url_problem(url: str) -> str:
    """Why `url` cannot be printed in QR codes, or "" when it can."""
    if not url:
        return "未设置 PUBLIC_BASE_URL。"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"PUBLIC_BASE_URL（{url}）不是完整的网址，应如 https://portal.example.gov.cn。"
    host = parts.hostname.lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        loopback = host in LOOPBACK_NAMES or host.endswith(".localhost")
    if loopback:
        return f"PUBLIC_BASE_URL 指向本机地址（{url}），证书和文件上的二维码在其他设备上无法打开。"
    return ""


@checks.register(checks.Tags.security, deploy=True)
def check_public_base_url(app_configs, **kwargs):
    problem = public_base_url_problem(getattr(settings, "PUBLIC_BASE_URL", ""))
    if not problem:
        return []
    return [
        checks.Error(
            problem,
            hint="在生产环境设置 PUBLIC_BASE_URL 为门户的公网地址（如 https://portal.example.gov.cn），"
            "所有命令和页面生成的二维码都使用它。",
            id="documents.E001",
        )
    ]
