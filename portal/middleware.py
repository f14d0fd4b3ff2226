"""Requests whose URL carries NUL or other control characters are answered before any view sees them.

No page of the portal has such a character in its path or query, and some reach the database (PostgreSQL
refuses NUL in a string, which would otherwise surface as a 500): the path answers 404, the query 400.
"""

import re
from urllib.parse import unquote_plus

from django.core.exceptions import BadRequest
from django.http import Http404

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path_info):
            raise Http404("地址中含有控制字符。")
        if CONTROL_CHARACTERS.search(unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")):
            raise BadRequest("查询参数中含有控制字符。")
        return self.get_response(request)
