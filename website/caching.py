"""The public pages' gate: who may read, how often, and the cache they are served from.

An anonymous reader's page is cached under the data version (recommendations/data_version.py),
the page's language and its query: every write replaces the version when it commits, so a
write shows at once and no page is ever served stale. Staff and signed-in readers get pages
built for them (a private campaign is theirs to see), never cached.

A cached page holds forms (the language switcher): their CSRF token is the first reader's,
so it is stored as a placeholder and each reader gets their own token when served.
"""

import functools
import re

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from recommendations import data_version
from recommendations.api.permissions import may_read
from recommendations.api.throttles import AnonymousThrottle

CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"csrf-token-of-the-reader"
# What a cached page keeps of its response besides the content.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control")


def public_page(view):
    """A public page: readable while may_read(), anonymous readers throttled as the API's
    are, and their pages served from the cache."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_read(request):
            raise PermissionDenied
        throttle = AnonymousThrottle()
        if not throttle.allow_request(request, None):
            return _too_many_requests(request, throttle.wait())
        if request.user.is_authenticated or request.method not in ("GET", "HEAD"):
            return _built(view, request, *args, **kwargs)
        page = data_version.cached_read(
            f"page:{get_language()}:{request.path}",
            request.GET,
            lambda: _stored(_built(view, request, *args, **kwargs)),
            kept=_cacheable,
        )
        return _served(request, page)

    return wrapped


def _built(view, request, *args, **kwargs) -> HttpResponse:
    """The view's response; not to be stored anywhere if it shows counts made before the last
    write (data_version.lasting_read): the next reader may get the current ones."""
    response = view(request, *args, **kwargs)
    if getattr(request, "counted_before_last_write", False):
        patch_cache_control(response, no_store=True)
    return response


def _stored(response: HttpResponse) -> dict:
    return {
        "status": response.status_code,
        "content": CSRF_FIELD.sub(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", response.content),
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
    }


def _cacheable(page: dict) -> bool:
    """A page that says it may not be stored (counts being counted again) is built again for
    the next reader."""
    return "no-store" not in page["headers"].get("Cache-Control", "")


def _served(request, page: dict) -> HttpResponse:
    content = page["content"]
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=page["status"])
    for name, value in page["headers"].items():
        response[name] = value
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def _too_many_requests(request, wait: float | None) -> HttpResponse:
    response = render(request, "website/too_many_requests.html", status=429)
    if wait is not None:
        response["Retry-After"] = str(max(1, round(wait)))
    return response
