"""Writes of the enterprise side. State changes (提交申报, 撤回) go through review.services.perform_transition."""

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications import eligibility
from applications.fingerprint import SIGNED_FIELDS
from applications.models import (
    MULTIPLE_FILE_MATERIALS,
    REPORT_SECTIONS,
    Application,
    Enterprise,
    Honour,
    Material,
    MaterialKind,
    PartnerSME,
)
from applications.selectors import applications_visible_to
from applications.uploads import validate_upload
from portal.accounts.models import Role, User
from portal.audit.models import Event
from portal.audit.services import audit
from portal.dates import chinese_date
from portal.directory.models import CampaignState


class ApplicationError(Exception):
    """A write the enterprise side refuses; the message (Chinese) is shown to the user."""


class StaleVersion(ApplicationError):
    """The form was made from an older version of the application (another tab, a double click)."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(
            "保存未成功：这份申报已在其他页面或窗口被修改（也可能是重复点击了保存）。"
            "您刚才填写的内容仍保留在下方，请核对后再次点击「保存草稿」；如需查看最新内容，请刷新页面。"
        )


def enterprise_register(
    *,
    name: str,
    credit_code: str,
    county,
    cluster,
    legal_representative: str,
    contact_name: str,
    contact_phone: str,
    email: str,
    address: str,
    username: str,
    password: str,
) -> User:
    """Create the enterprise and its first login account together (the form has validated everything)."""
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(
                name=name, credit_code=credit_code, county=county, cluster=cluster,
                legal_representative=legal_representative, contact_name=contact_name,
                contact_phone=contact_phone, email=email, address=address,
            )
            user = User(
                username=username, role=Role.ENTERPRISE, enterprise=enterprise, full_name=contact_name,
                email=email, phone=contact_phone, password_changed_at=timezone.now(),
            )
            user.set_password(password)
            user.save()
    except IntegrityError as error:  # a simultaneous registration with the same code or user name
        raise ApplicationError(
            "统一社会信用代码或用户名刚刚已被注册。如是本企业的代码，请联系所在县（市、区）中小企业主管部门。"
        ) from error
    return user


# What next year's application takes over from last year's (not the files, not the declarations,
# which are made afresh for each campaign).
COPIED_FIELDS = [
    name for name in SIGNED_FIELDS if name not in ("campaign_id", "enterprise_id", "cluster_id") and not name.startswith("declares_")
]


def _check_may_start(*, enterprise, campaign, copy_from) -> None:
    if campaign.state != CampaignState.OPEN:
        raise ApplicationError("本申报批次未开放，不能开始申报。")
    if campaign.deadline_passed("enterprise"):
        raise ApplicationError(f"本批次企业申报已于 {chinese_date(campaign.enterprise_deadline)} 截止。")
    if copy_from is not None and (copy_from.enterprise_id != enterprise.pk or copy_from.campaign_id == campaign.pk):
        raise ApplicationError("只能复制本企业往年的申报内容。")


def _copy_application(source: Application, *, into: Application) -> None:
    """Save `into` with last campaign's fields, honours and partner SMEs (not its files)."""
    for name in COPIED_FIELDS:
        setattr(into, name, getattr(source, name))
    into.save()
    Honour.objects.bulk_create(
        Honour(application=into, kind=h.kind, level=h.level, name=h.name, year=h.year, issuer=h.issuer)
        for h in source.honours.all()
    )
    PartnerSME.objects.bulk_create(
        PartnerSME(application=into, name=p.name, credit_code=p.credit_code, cooperation=p.cooperation)
        for p in source.partners.all()
    )


def application_start(
    *,
    enterprise: Enterprise,
    campaign,
    copy_from: Application | None = None,
    actor: User,
    renews: Application | None = None,
) -> Application:
    """The enterprise's application in `campaign` (created if needed), optionally seeded from an earlier one.

    `renews` makes it a 复核 of that title: seeded from it, and marked so the quota and certificate rules know.
    """
    copy_from = renews or copy_from
    existing = Application.objects.filter(enterprise=enterprise, campaign=campaign).first()
    if existing is not None:
        return existing
    _check_may_start(enterprise=enterprise, campaign=campaign, copy_from=copy_from)
    try:
        with transaction.atomic():
            application = Application(
                enterprise=enterprise, campaign=campaign, cluster=enterprise.cluster, renews=renews
            )
            if copy_from is None:
                application.save()
            else:
                _copy_application(copy_from, into=application)
    except IntegrityError:  # a double click: the other request created it
        return Application.objects.get(enterprise=enterprise, campaign=campaign)
    return application


def _lock_editable(application_id: int, actor: User) -> Application:
    """The actor's own application, locked for the edit; only the enterprise ever edits it."""
    if not actor.has_perm("applications.edit_application"):
        raise Application.DoesNotExist
    application = (
        applications_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("campaign", "enterprise")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Application.DoesNotExist
    if not application.is_editable:
        raise ApplicationError(
            f"申报当前状态为「{application.get_state_display()}」，已锁定，不能修改。如需修改，请先撤回或等待退回。"
        )
    return application


def _save_fields(application: Application, *, version: int, fields: dict) -> Application:
    if application.version != version:
        raise StaleVersion(application.version)
    for name, value in fields.items():
        setattr(application, name, value)
    application.version += 1
    application.save(update_fields=[*fields, "version", "updated_at"])
    return application


def record_conditions(application: Application) -> list[str]:
    """Set the stored verdicts (Application.unmet_conditions, pending_conditions) from the conditions as they now
    judge the application; returns the names of the fields that changed, for the caller's save."""
    codes = eligibility.condition_codes(eligibility.current_verdicts(application))
    changed = [name for name, value in codes.items() if getattr(application, name) != value]
    for name in changed:
        setattr(application, name, codes[name])
    return changed


def store_conditions(application: Application) -> None:
    """record_conditions and save what changed: after anything the conditions read was saved."""
    if changed := record_conditions(application):
        application.save(update_fields=changed)


def application_save_report(*, application_id: int, actor: User, version: int, sections: dict) -> Application:
    """Save the 申请报告's sections as a draft, refusing a stale version."""
    unknown = set(sections) - set(REPORT_SECTIONS)
    if unknown:
        raise ValueError(f"not report sections: {unknown}")
    with transaction.atomic():
        application = _lock_editable(application_id, actor)
        _save_fields(application, version=version, fields=sections)
        store_conditions(application)
        return application


def application_save_form(
    *, application_id: int, actor: User, version: int, fields: dict, honours: list[dict], partners: list[dict]
) -> Application:
    """Save the 推荐审核表 as a draft: its fields and, replacing the old lists, its honours and partner SMEs."""
    with transaction.atomic():
        application = _lock_editable(application_id, actor)
        _save_fields(application, version=version, fields=fields)
        application.honours.all().delete()
        Honour.objects.bulk_create(Honour(application=application, **row) for row in honours)
        application.partners.all().delete()
        PartnerSME.objects.bulk_create(PartnerSME(application=application, **row) for row in partners)
        store_conditions(application)
    return application


def _check_upload_request(kind, files) -> None:
    if kind not in MaterialKind.values:
        raise ApplicationError("请选择材料类型。")
    if not files:
        raise ApplicationError("请选择要上传的文件。")
    if kind not in MULTIPLE_FILE_MATERIALS and len(files) > 1:
        raise ApplicationError(f"{MaterialKind(kind).label}只能上传一个文件（多页请合并为一个 PDF）。")


def _remove_replaced(application, kind) -> list[Material]:
    """A single-file material's old rows, deleted (their files go once the transaction commits)."""
    if kind in MULTIPLE_FILE_MATERIALS:
        return []
    replaced = list(application.materials.filter(kind=kind))
    for old in replaced:
        old.delete()
    return replaced


def material_upload(*, application_id: int, kind: str, files: list, actor: User) -> list[Material]:
    """Check every file first, then store them all or none; a single-file material replaces the old one."""
    _check_upload_request(kind, files)
    label = MaterialKind(kind).label
    checked = [validate_upload(f) for f in files]  # raises UploadRefused before anything is stored
    stored: list[str] = []
    try:
        with transaction.atomic():
            application = _lock_editable(application_id, actor)
            replaced = _remove_replaced(application, kind)
            materials = []
            for item in checked:
                material = Material(
                    application=application, kind=kind, original_name=item.display_name,
                    content_type=item.content_type, size=item.size, sha256=item.sha256, uploaded_by=actor,
                )
                material.file.save(item.display_name, item.upload, save=False)
                stored.append(material.file.name)
                material.save()
                materials.append(material)
                audit(Event.UPLOAD, user=actor, obj=material, detail=f"{label}：{item.display_name}（{item.sha256[:16]}…）")
            old_files = [old.file.name for old in replaced]
            transaction.on_commit(lambda: _delete_files(old_files))
    except BaseException:
        _delete_files(stored)  # nothing partial: the rows were rolled back, so the files go too
        raise
    return materials


def material_delete(*, material_id: int, actor: User) -> Material:
    with transaction.atomic():
        material = Material.objects.filter(pk=material_id, application__in=applications_visible_to(actor)).first()
        if material is None or not actor.has_perm("applications.edit_application", material.application):
            raise Material.DoesNotExist
        _lock_editable(material.application_id, actor)
        name = material.file.name
        material.delete()
        transaction.on_commit(lambda: _delete_files([name]))
    return material


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
