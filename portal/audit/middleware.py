"""Request-scoped audit plumbing: the current request for audit(), and refused accesses."""

from django.http import Http404

from portal.audit.models import Event
from portal.audit.services import audit, bind_request, release_request

# A 404 raised by a view under these prefixes means "this object is not yours" (jurisdiction filter),
# not a mistyped address: such refusals are recorded. Unknown URLs never reach a view and are not.
PROTECTED_PREFIXES = ("/enterprise/", "/review/", "/documents/")


class AuditContextMiddleware:
    """Keeps the request in a context variable so services' audit() calls get the source address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bind_request(request)
        try:
            return self.get_response(request)
        finally:
            release_request(token)


class RefusedAccessAuditMiddleware:
    """Records every 403 response, and every Http404 a view raised on a protected path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status == 403 or (status == 404 and getattr(request, "_audit_object_not_found", False)):
            audit(
                Event.ACCESS_DENIED,
                request=request,
                success=False,
                detail=f"{status} {request.method} {request.path}",
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and request.path.startswith(PROTECTED_PREFIXES):
            request._audit_object_not_found = True
        return None
