"""Where the app is mounted: links and redirects must work under API Gateway's stage prefix.

Behind the default API URL (``https://<id>.execute-api.<region>.amazonaws.com/api/...``) every
path carries the stage name; behind a custom domain it carries the base-path mapping (often
nothing); ``chalice local`` has none. Chalice routes see the path *without* the prefix, so the
dashboard's templates write app paths (``/staff/comments``) and ``prefix_links`` adds the prefix
to every root-relative ``href``/``action``/``src`` of the rendered page (and to redirects).

- ``PULSE_BASE_PATH`` set (even empty): that prefix (custom domain, e.g. ``""`` or ``/pulse``);
- otherwise, a request to an ``*.amazonaws.com`` host: ``/<requestContext.stage>``;
- otherwise: no prefix.

Autoescaping turns ``"`` in data into ``&#34;``, so text from users cannot form an attribute
that this rewrite would touch.
"""
from __future__ import annotations

import os
import re

_ROOT_RELATIVE = re.compile(r'(\s(?:href|action|src|formaction)=")/(?!/)')
_STAGE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_BASE = re.compile(r"^(/[A-Za-z0-9._~-]+)*$")


def base_path(request) -> str:
    """The prefix of this app's paths in the browser's URL ("" or like ``/api``)."""
    configured = os.environ.get("PULSE_BASE_PATH")
    if configured is not None:
        configured = configured.strip().rstrip("/")
        return configured if _BASE.match(configured) else ""
    if request is None:
        return ""
    host = ((request.headers or {}).get("host") or "").split(":")[0].lower()
    stage = str((request.context or {}).get("stage") or "")
    if host.endswith(".amazonaws.com") and _STAGE.match(stage):
        return "/" + stage
    return ""


def prefix_links(html: str, prefix: str) -> str:
    """Put ``prefix`` in front of every root-relative link, form action and source of a page."""
    if not prefix:
        return html
    return _ROOT_RELATIVE.sub(lambda m: m.group(1) + prefix + "/", html)


def prefixed(location: str, prefix: str) -> str:
    """A root-relative redirect target under ``prefix`` (others unchanged)."""
    if prefix and location.startswith("/") and not location.startswith("//"):
        return prefix + location
    return location
