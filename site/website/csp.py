"""Content-Security-Policy for every page (issue 15), without a dependency.

Django 5.2 has no CSP of its own (6.0 will). The policy is a setting, CSP_POLICY (a dict of
directive -> list of sources); paths under CSP_RELAXED_PATHS (Wagtail's admin and the back
office, which use inline scripts and styles) get CSP_RELAXED_POLICY. A response that already
carries a policy keeps it (the IdP's SAML auto-posting pages set their own, naming the form's
destination). Scripts come from 'self' only, never inline (the pages' scripts are static files);
a page that must have an inline script reads `request.csp_nonce`.
"""

import secrets

from django.conf import settings

HEADER = "Content-Security-Policy"


class Nonce:
    """`request.csp_nonce`: made when a template first reads it (djangosaml2's POST-binding
    page does, `{% if request.csp_nonce %} nonce="{{ request.csp_nonce }}"`); the policy
    allows it only on the responses that used it."""

    def __init__(self):
        self.value = None

    def __bool__(self):
        return True

    def __str__(self):
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


def _render(policy):
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = _render(settings.CSP_POLICY)
        self.relaxed = _render(settings.CSP_RELAXED_POLICY)
        self.relaxed_paths = tuple(settings.CSP_RELAXED_PATHS)

    def __call__(self, request):
        request.csp_nonce = nonce = Nonce()
        response = self.get_response(request)
        if HEADER not in response:
            relaxed = request.path.startswith(self.relaxed_paths)
            policy = self.relaxed if relaxed else self.policy
            if nonce.value is not None:
                policy = policy.replace("script-src ", f"script-src 'nonce-{nonce.value}' ", 1)
            response[HEADER] = policy
        return response
