from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.accounts.models import ADMIN_ROLES, OFFICIAL_ROLES, Role, User


class Command(BaseCommand):
    help = "创建审核员或管理员账号（审核员账号只能由系统管理员创建）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r for r in Role.values if r != Role.ENTERPRISE])
        parser.add_argument("--unit", help="所属单位区划代码（县级、市级审核员必填；省级为 130000）")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="初始密码（不提供则交互输入）")

    @transaction.atomic
    def handle(self, *args, **options):
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError("用户名已存在。")
        user = User(
            username=options["username"],
            role=options["role"],
            unit_id=options["unit"],
            full_name=options["name"],
            email=options["email"],
            is_staff=options["role"] in ADMIN_ROLES,
            is_superuser=options["role"] in ADMIN_ROLES,
            # An official's first password is chosen by whoever runs this: the official replaces it at first login.
            must_change_password=options["role"] in OFFICIAL_ROLES,
        )
        password = options["password"]
        if not password:
            import getpass

            password = getpass.getpass("初始密码：")
        try:
            user.full_clean(exclude=["password"])
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"已创建{user.get_role_display()}账号 {user.username}。"))
