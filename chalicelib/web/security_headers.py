"""Security headers added to every response, errors included."""
from __future__ import annotations

BASE_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def install_security_headers(app) -> None:
    """Register an HTTP middleware that adds BASE_HEADERS (without overriding a route's own)."""
    @app.middleware("http")
    def add_security_headers(event, get_response):
        response = get_response(event)
        for name, value in BASE_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
        return response
