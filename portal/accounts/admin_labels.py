"""Chinese names for what the libraries show in the admin (django-otp, django-tasks-db, axes, captcha).

axes and django-tasks-db mark their labels for translation: locale/zh_Hans names them. django-otp's labels and
the apps' names are plain English strings, named here when the admin loads. Only display names change: the
model options and field arguments that migrations record (Meta.original_attrs, Field._verbose_name, help_text)
stay as the library wrote them, so no migration of a library is ever asked for.
"""

from django.apps import apps

APP_NAMES = {
    "axes": "登录防护（失败锁定）",
    "otp_totp": "双因素认证：验证器",
    "otp_static": "双因素认证：恢复码",
    "django_tasks_database": "后台任务",
    "captcha": "图形验证码",
}

MODEL_NAMES = {
    ("otp_totp", "totpdevice"): "动态验证器",
    ("otp_static", "staticdevice"): "恢复码",
    ("otp_static", "statictoken"): "恢复码明细",
    ("captcha", "captchastore"): "图形验证码",
}

DEVICE_FIELDS = {
    "user": "用户",
    "name": "名称",
    "confirmed": "已确认",
    "created_at": "绑定时间",
    "last_used_at": "最近使用时间",
    "throttling_failure_timestamp": "最近一次验证失败时间",
    "throttling_failure_count": "连续验证失败次数",
    "key": "密钥",
    "step": "时间步长（秒）",
    "t0": "起始时间",
    "digits": "位数",
    "tolerance": "容许偏差",
    "drift": "时钟偏差",
    "last_t": "最近一次验证的时间步",
    "token": "恢复码",
    "device": "所属设备",
    "valid_until": "有效期至",
}

SEARCH_HELP = "按用户名、姓名搜索。"


def name_library_models() -> None:
    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for (app_label, model_name), name in MODEL_NAMES.items():
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        model._meta.verbose_name = name
        model._meta.verbose_name_plural = name
        if app_label.startswith("otp_"):
            for field in model._meta.get_fields():
                if field.name in DEVICE_FIELDS and hasattr(field, "verbose_name"):
                    field.verbose_name = DEVICE_FIELDS[field.name]
