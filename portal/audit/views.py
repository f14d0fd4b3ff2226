import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from portal.accounts.decorators import permission_required
from portal.audit.forms import AuditFilterForm
from portal.audit.models import Event
from portal.audit.selectors import audit_events
from portal.audit.services import audit
from portal.pagination import CappedPaginator

LOG_PAGE_SIZE = 50
# The newest 5,000 entries (100 pages) are reachable page by page; older ones by date or in the CSV export.
LOG_COUNT_CAP = 5000
CSV_HEADER = ["时间", "用户名", "角色", "来源地址", "事件", "对象类型", "对象ID", "对象", "结果", "详情"]


def _filtered(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters, audit_events(**{k: v for k, v in filters.items() if v not in (None, "")})


@permission_required("audit.read_log")
def log(request):
    form, _, events = _filtered(request)
    page = CappedPaginator(events.defer("changes"), LOG_PAGE_SIZE, cap=LOG_COUNT_CAP).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection); usernames typed
    # at the login page are attacker-controlled.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(events):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # UTF-8 BOM: Excel then reads the Chinese correctly
    yield writer.writerow(CSV_HEADER)
    for e in events.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    timezone.localtime(e.at).isoformat(timespec="seconds"),
                    e.username,
                    e.role_label,
                    e.ip_address or "",
                    e.get_event_display(),
                    e.object_type,
                    e.object_id,
                    e.object_repr,
                    "成功" if e.success else "失败",
                    e.detail_display,
                )
            ]
        )


@permission_required("audit.read_log")
def export(request):
    form, filters, events = _filtered(request)
    described = "；".join(f"{form.fields[k].label}={v}" for k, v in filters.items() if v not in (None, ""))
    audit(Event.EXPORT, request=request, detail=f"导出审计日志 {events.count()} 条" + (f"（{described}）" if described else ""))
    response = StreamingHttpResponse(_rows(events), content_type="text/csv; charset=utf-8")
    filename = f"审计日志-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
