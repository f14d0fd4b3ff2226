"""The enterprise's pages: registration, 申请报告, 推荐审核表, materials, live checklist, 提交申报 and 撤回."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import TooManyFilesSent
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from applications import eligibility, return_targets
from applications.checklist import draft_verdicts
from applications.completeness import missing_items
from applications.fields import FORM_FIELDS
from applications.forms import (
    ApplicationForm,
    HonourFormSet,
    MaterialUploadForm,
    RegistrationForm,
    ReportForm,
    partner_formset_class,
)
from applications.growth import years_of
from applications.models import MULTIPLE_FILE_MATERIALS, REPORT_SECTIONS, Application, MaterialKind
from applications.progress import progress_for
from applications.selectors import (
    applications_visible_to,
    enterprise_applications,
    enterprise_of,
    materials_visible_to,
    read_through_jurisdiction,
)
from applications.services import (
    ApplicationError,
    StaleVersion,
    application_save_form,
    application_save_report,
    application_start,
    enterprise_register,
    material_delete,
    material_upload,
)
from applications.stash import enterprise_edit_page, pop_stash
from applications.uploads import UploadRefused
from portal.accounts.decorators import permission_required, public
from portal.accounts.previous_user import remember_user
from portal.accounts.rate_limits import REGISTRATION, rate_limited
from portal.audit.models import Event
from portal.audit.services import audit
from portal.directory.models import Campaign
from review.selectors import open_return_for, timeline_for, transitions_open_to
from review.services import TransitionRefused, perform_transition
from review.workflow import Action

LOCKED_MESSAGE = "申报当前状态为「{state}」，已锁定，不能修改。"
TOO_MANY_FILES = "一次最多上传 {n} 个文件，本次选择的文件过多，均未上传。请分批上传。"
INVALID_MESSAGE = "有 {n} 处内容需要修改（见页面顶部的列表和标红处），本次尚未保存；您填写的内容都保留在页面上。"
# 「下一步」 saves, then moves on to the next tab.
NEXT_PAGES = {"form": "applications:form", "materials": "applications:materials"}


def _page(application, step: str, **context) -> dict:
    """What every page of one application shows: the open 退回修改 and where the application stands."""
    return {
        "application": application,
        "step": step,
        "open_return": open_return_for(application),
        "progress": progress_for(application),
        **context,
    }


def _after_save(request, application, default: str):
    target = NEXT_PAGES.get(request.POST.get("next", ""))
    return redirect(target or default, application.pk)


def _error_count(*forms) -> int:
    """Messages on the page, counted as the error summary at its top lists them."""
    count = 0
    for form in forms:
        rows = form.forms if hasattr(form, "forms") else [form]  # a formset, or one form
        count += len(form.non_form_errors()) if hasattr(form, "forms") else 0
        count += sum(len(errors) for row in rows for errors in row.errors.values())
    return count


def _application(request, pk, *related, lists=False):
    """The user's own application (jurisdiction filter first: anything else is a 404).

    `lists` loads honours, partners and materials once for the checklist, completeness and the page.
    """
    queryset = applications_visible_to(request.user).select_related(
        "campaign", "cluster", "enterprise__county__reviewing_city", "reviewing_city", *related
    )
    if lists:
        queryset = queryset.prefetch_related("honours", "partners", "materials")
    return read_through_jurisdiction(get_object_or_404(queryset, pk=pk), request.user)


def _locked(request, application):
    messages.warning(request, LOCKED_MESSAGE.format(state=application.get_state_display()))
    return redirect("applications:detail", application.pk)


def _with_version(data, version: int):
    """The posted data, kept as typed, but carrying the current version so the next save can succeed."""
    data = data.copy()
    data["version"] = str(version)
    return data


@public
@rate_limited(REGISTRATION)
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["password"] = data.pop("password1")
        data.pop("password2")
        data.pop("captcha")
        try:
            user = enterprise_register(**data)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            login(request, user, backend="portal.accounts.backends.ModelBackend")
            messages.success(request, f"「{user.enterprise.name}」注册成功，欢迎使用。请开始填写申报材料。")
            response = redirect("applications:home")
            remember_user(response, request)
            return response
    return render(request, "applications/register.html", {"form": form})


@permission_required("applications.use_enterprise_pages")
def enterprise_home(request):
    campaign = Campaign.current()
    current, earlier = _current_and_earlier(list(enterprise_applications(request.user)), campaign)
    context = {
        "campaign": campaign,
        "enterprise": enterprise_of(request.user),
        "application": current,
        "earlier": earlier,
        "copy_source": next((a for a in earlier if campaign is None or a.campaign.year < campaign.year), None),
        "can_start": campaign is not None and current is None and not campaign.deadline_passed("enterprise"),
        # The enterprise deadline only while it still applies: not after it passed, not once submitted.
        "show_deadline": campaign is not None and not campaign.deadline_passed("enterprise")
        and (current is None or current.is_editable),
    }
    if current is not None:
        context.update(_current_application_context(request, current.pk))
    return render(request, "applications/home.html", context)


def _current_and_earlier(applications, campaign):
    """The application in the open campaign (or None) and every other one."""
    current = next((a for a in applications if campaign and a.campaign_id == campaign.pk), None)
    return current, [a for a in applications if a is not current]


def _current_application_context(request, pk) -> dict:
    current = _application(request, pk, "certificate", lists=True)
    verdicts = eligibility.evaluate(eligibility.rule_facts(current))
    return {
        **_page(current, "home"),
        "verdicts": verdicts,
        "missing": _missing(current, verdicts) if current.is_editable else [],
        "timeline": timeline_for(current, request.user),
        "actions": [t.action for t in transitions_open_to(request.user, current, pages=("application",))],
    }


def _missing(application, verdicts):
    return [
        (item.message, return_targets.fix_url(application.pk, item.anchor))
        for item in missing_items(application, verdicts)
    ]


@permission_required("applications.use_enterprise_pages")
@require_POST
def start(request):
    campaign = Campaign.current()
    if campaign is None or request.user.enterprise_id is None:
        messages.error(request, "目前没有进行中的申报批次。" if campaign is None else "您的账号未关联企业，请联系系统管理员。")
        return redirect("applications:home")
    copy_from = None
    if request.POST.get("copy_from"):
        copy_from = get_object_or_404(applications_visible_to(request.user), pk=request.POST["copy_from"])
    try:
        application = application_start(
            enterprise=request.user.enterprise, campaign=campaign, copy_from=copy_from, actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("applications:home")
    if copy_from is not None:
        messages.success(
            request,
            f"已复制 {copy_from.campaign.year} 年度的申请报告、推荐审核表、荣誉和带动中小企业清单；"
            "上传的材料和各项声明需重新提供，请逐项核对更新。",
        )
    return redirect("applications:report", application.pk)


@enterprise_edit_page
def report(request, pk):
    application = _application(request, pk)
    if not application.is_editable:
        return _locked(request, application)
    if request.method == "POST":
        form = ReportForm(request.POST, instance=application)
        if form.is_valid():
            try:
                application_save_report(
                    application_id=application.pk, actor=request.user, version=form.cleaned_data["version"],
                    sections={name: form.cleaned_data[name] for name in REPORT_SECTIONS},
                )
            except StaleVersion as error:
                messages.error(request, str(error))
                form = ReportForm(_with_version(request.POST, error.current_version), instance=application)
            except ApplicationError as error:
                messages.error(request, str(error))
                return redirect("applications:detail", application.pk)
            else:
                messages.success(request, "申请报告已保存为草稿。")
                return _after_save(request, application, "applications:report")
        else:
            messages.error(request, INVALID_MESSAGE.format(n=_error_count(form)))
    else:
        stashed = pop_stash(request)
        form = ReportForm(stashed, instance=application, initial={"version": application.version})
    return render(request, "applications/report.html", _page(application, "report", form=form))


def _as_new_rows(data, version: int):
    """A stale page's lists as new rows: the other tab's save replaced the rows (and their ids) this page knew,
    so the typed rows are kept as they are and will replace the list on the next save."""
    data = _with_version(data, version)
    for prefix in ("honours", "partners"):
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for key in [k for k in data if k.startswith(f"{prefix}-") and k.endswith("-id")]:
            data[key] = ""
    return data


def _form_bundle(application, data=None):
    partner_formset = partner_formset_class(len(application.partners.all()))
    return (
        ApplicationForm(data, instance=application, initial={"version": application.version}),
        HonourFormSet(data, instance=application, prefix="honours"),
        partner_formset(data, instance=application, prefix="partners"),
    )


def _save_form_post(request, application, bundle):
    """Save the posted 推荐审核表: (a redirect, bundle) when saved or refused, (None, bundle to show) otherwise."""
    form, honours, partners = bundle
    if not (form.is_valid() and honours.is_valid() and partners.is_valid()):
        messages.error(request, INVALID_MESSAGE.format(n=_error_count(form, honours, partners)))
        return None, bundle
    try:
        application_save_form(
            application_id=application.pk, actor=request.user, version=form.cleaned_data["version"],
            fields={name: form.cleaned_data[name] for name in FORM_FIELDS},
            honours=honours.rows(), partners=partners.rows(),
        )
    except StaleVersion as error:
        messages.error(request, str(error))
        application.refresh_from_db()
        return None, _form_bundle(application, _as_new_rows(request.POST, error.current_version))
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("applications:detail", application.pk), bundle
    messages.success(request, "推荐审核表已保存为草稿。")
    return _after_save(request, application, "applications:form"), bundle


@enterprise_edit_page
def application_form(request, pk):
    application = _application(request, pk, "enterprise__county")
    if not application.is_editable:
        return _locked(request, application)
    data, stale = _form_data(request, application)
    form, honours, partners = _form_bundle(application, data)
    if request.method == "POST" and not stale:
        done, (form, honours, partners) = _save_form_post(request, application, (form, honours, partners))
        if done is not None:
            return done
    verdicts = draft_verdicts(application, form=form, honour_formset=honours, partner_formset=partners)
    return render(
        request,
        "applications/form.html",
        _page(application, "form", form=form, honours=honours, partners=partners, verdicts=verdicts,
              link_anchors=True, history_years=years_of(application)[::-1]),
    )


def _form_data(request, application):
    """(the data the page shows, whether it came from a stale page). A stale page is caught before the lists are
    validated: their row ids may no longer exist, which would show errors nobody can see."""
    if request.method != "POST":
        return pop_stash(request), False
    if request.POST.get("version") != str(application.version):
        messages.error(request, str(StaleVersion(application.version)))
        return _as_new_rows(request.POST, application.version), True
    return request.POST, False


@permission_required("applications.use_enterprise_pages")
@require_POST
def checklist(request, pk):
    """The checklist fragment for the page's unsaved data (static/js/application.js posts the form here)."""
    application = _application(request, pk, "enterprise__county")
    form, honours, partners = _form_bundle(application, request.POST)
    verdicts = draft_verdicts(application, form=form, honour_formset=honours, partner_formset=partners)
    return render(request, "applications/_checklist.html", {"verdicts": verdicts, "link_anchors": True})


@csrf_exempt  # CSRF is checked in _upload, once the file count is known to be readable (see below)
@permission_required("applications.use_enterprise_pages")
def materials(request, pk):
    application = _application(request, pk)
    if request.method == "POST":
        if not application.is_editable:
            return _locked(request, application)
        # Past DATA_UPLOAD_MAX_NUMBER_FILES Django refuses to parse the body. The CSRF middleware would
        # then answer a bare 400, so this view is exempt from it and runs the same check itself after
        # reading the files: every upload that is processed is CSRF-checked; a refused one changes nothing.
        try:
            request.FILES  # noqa: B018 - parses the body
        except TooManyFilesSent:
            messages.error(request, TOO_MANY_FILES.format(n=settings.DATA_UPLOAD_MAX_NUMBER_FILES))
            return redirect("applications:materials", application.pk)
        return _upload(request, application)
    by_kind = {kind: [] for kind in MaterialKind.values}
    for material in application.materials.all():
        by_kind[material.kind].append(material)
    kinds = [
        {"value": kind, "label": MaterialKind(kind).label, "multiple": kind in MULTIPLE_FILE_MATERIALS,
         "required": kind != MaterialKind.OTHER, "files": by_kind[kind]}
        for kind in MaterialKind.values
    ]
    return render(
        request,
        "applications/materials.html",
        _page(application, "materials", kinds=kinds, max_upload_bytes=settings.MAX_UPLOAD_BYTES,
              max_files=settings.DATA_UPLOAD_MAX_NUMBER_FILES),
    )


@csrf_protect
def _upload(request, application):
    form = MaterialUploadForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    try:
        uploaded = material_upload(
            application_id=application.pk, kind=kind, files=request.FILES.getlist("files"), actor=request.user
        )
    except (UploadRefused, ApplicationError) as error:
        messages.error(request, str(error))
    else:
        names = "、".join(f"「{m.original_name}」" for m in uploaded)
        messages.success(request, f"已上传{names}。")
    return redirect(reverse("applications:materials", args=[application.pk]) + (f"#material-{kind}" if kind else ""))


@permission_required("applications.use_enterprise_pages")
@require_POST
def delete_material(request, pk):
    material = get_object_or_404(materials_visible_to(request.user), pk=pk)
    try:
        material_delete(material_id=material.pk, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已删除「{material.original_name}」。")
    return redirect(reverse("applications:materials", args=[material.application_id]) + f"#material-{material.kind}")


@permission_required("applications.download_material")
def material_download(request, pk):
    """The roles that read applications, within their jurisdiction (404 outside it; 系统管理员 and 审计管理员:
    403, as on every business page); officials may view PDFs and images in the browser with ?inline=1."""
    material = get_object_or_404(materials_visible_to(request.user).select_related("application"), pk=pk)
    inline = request.GET.get("inline") == "1"
    try:
        handle = material.file.open("rb")
    except OSError as error:
        raise Http404("文件不存在。") from error
    response = FileResponse(handle, content_type=material.content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, material.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"  # the review pages embed PDFs in a frame
    audit(
        Event.DOWNLOAD, request=request, obj=material,
        detail=f"{'在线查看' if inline else '下载'}材料：{material.get_kind_display()}（申报 {material.application_id}）",
    )
    return response


@permission_required("applications.use_enterprise_pages")
def submit(request, pk):
    application = _application(request, pk)
    if request.method == "POST":
        try:
            perform_transition(application_id=application.pk, action=Action.SUBMIT, actor=request.user)
        except TransitionRefused as error:
            messages.error(request, str(error))
            return redirect("applications:submit", application.pk)
        except Application.DoesNotExist as error:
            raise Http404 from error
        application.refresh_from_db(fields=["filing_number"])
        messages.success(
            request,
            f"已提交申报，申报编号 {application.filing_number}，等待县级初审。请下载并保存「提交回执」。"
            "提交后申报已锁定，不能修改；县级审核员处理前可以撤回。",
        )
        return redirect("applications:detail", application.pk)
    if not application.is_editable:
        return _locked(request, application)
    application = _application(request, pk, lists=True)
    verdicts = eligibility.evaluate(eligibility.rule_facts(application))
    return render(
        request,
        "applications/submit.html",
        _page(application, "submit", missing=_missing(application, verdicts), verdicts=verdicts,
              deadline_passed=application.campaign.deadline_passed("enterprise")),
    )


@permission_required("applications.use_enterprise_pages")
@require_POST
def withdraw(request, pk):
    application = _application(request, pk)
    try:
        perform_transition(application_id=application.pk, action=Action.WITHDRAW, actor=request.user)
    except TransitionRefused as error:
        messages.error(request, str(error))
    except Application.DoesNotExist as error:
        raise Http404 from error
    else:
        messages.success(request, "已撤回申报。修改后可再次提交申报。")
    return redirect("applications:detail", application.pk)


@permission_required("applications.use_enterprise_pages")
def detail(request, pk):
    application = _application(request, pk, "certificate", lists=True)
    verdicts = eligibility.evaluate(eligibility.rule_facts(application))
    return render(
        request,
        "applications/detail.html",
        {
            **_page(application, "detail"),
            "verdicts": verdicts,
            "missing": _missing(application, verdicts) if application.is_editable else [],
            "timeline": timeline_for(application, request.user),
            "actions": [t.action for t in transitions_open_to(request.user, application, pages=("application",))],
            "certificate": getattr(application, "certificate", None),
            "report_sections": [
                (application._meta.get_field(name).verbose_name, getattr(application, name)) for name in REPORT_SECTIONS
            ],
        },
    )
