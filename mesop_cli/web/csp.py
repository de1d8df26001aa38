"""The Content-Security-Policy (and Cross-Origin-Opener-Policy) of a page.

The default is strict: scripts only from this origin, no framing by other sites, HTML
sinks only through Trusted Types. A page's ``me.SecurityPolicy`` and ``stylesheets`` widen
it with sources that ``mesop_cli.runtime.security_policy`` checked when the app loaded.
"""

from __future__ import annotations

from mesop_cli.runtime import Page
from mesop_cli.runtime.security_policy import stylesheet_source

#: The Trusted Types policy the client script creates to put server-made HTML (rendered
#: Markdown) into the page; web/static/core/dom.js uses the same name.
CLIENT_TRUSTED_TYPES_POLICY = "mesop-cli"
#: The Trusted Types policy Lit creates for its templates. Mesop allows it on every page;
#: here, on the pages of apps that declare web components (Mesop's examples use Lit).
LIT_TRUSTED_TYPES_POLICY = "lit-html"


def page_headers(page: Page | None, web_components: bool = False) -> dict[str, str]:
    """The security headers of the HTML of ``page`` (None: an error or 404 page);
    ``web_components``: the app declares some (``@me.web_component``)."""
    policy = page.security_policy if page is not None else None
    styles = [s for s in (stylesheet_source(u) for u in (page.stylesheets if page else ()))
              if s is not None]
    # Inline style attributes are how me.Style reaches the page.
    directives: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'", *styles],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'", "data:"],
        # me.video / me.audio / me.embed (as Mesop: media and framed pages from https).
        "media-src": ["'self'", "data:", "https:"],
        "frame-src": ["'self'", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        # Framed only by this origin unless the app names others: no clickjacking.
        "frame-ancestors": ["'self'"],
        "require-trusted-types-for": ["'script'"],
        "trusted-types": [CLIENT_TRUSTED_TYPES_POLICY],
    }
    if web_components:
        directives["trusted-types"].append(LIT_TRUSTED_TYPES_POLICY)
    if any(s.startswith("https://fonts.googleapis.com/") for s in styles):
        # Google Fonts' stylesheets load the font files from this host.
        directives["font-src"].append("https://fonts.gstatic.com")
    headers: dict[str, str] = {}
    if policy is not None:
        directives["frame-ancestors"] += policy.allowed_iframe_parents
        directives["script-src"] += policy.allowed_script_srcs
        directives["font-src"] += policy.allowed_font_srcs
        directives["trusted-types"] += policy.allowed_trusted_types
        if policy.allowed_connect_srcs:
            directives["connect-src"] = ["'self'", *policy.allowed_connect_srcs]
        if policy.allowed_worker_srcs:
            directives["worker-src"] = ["'self'", *policy.allowed_worker_srcs]
        if policy.dangerously_disable_trusted_types:
            del directives["require-trusted-types-for"], directives["trusted-types"]
        if policy.cross_origin_opener_policy != "unsafe-none":
            headers["Cross-Origin-Opener-Policy"] = policy.cross_origin_opener_policy
    headers["Content-Security-Policy"] = "; ".join(
        f"{name} {' '.join(dict.fromkeys(sources))}" for name, sources in directives.items())
    return headers
