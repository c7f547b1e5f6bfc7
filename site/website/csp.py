"""Content-Security-Policy for every page (issue 15), without a dependency.

Django 5.2 has no CSP of its own (6.0 will). The policy is a setting, CSP_POLICY (a dict of
directive -> list of sources); paths under CSP_RELAXED_PATHS (Wagtail's admin and the back
office, which use inline scripts and styles) get CSP_RELAXED_POLICY. A response that already
carries a policy keeps it (the IdP's SAML auto-posting pages set their own, naming the form's
destination).
"""

from django.conf import settings

HEADER = "Content-Security-Policy"


def _render(policy):
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = _render(settings.CSP_POLICY)
        self.relaxed = _render(settings.CSP_RELAXED_POLICY)
        self.relaxed_paths = tuple(settings.CSP_RELAXED_PATHS)

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            relaxed = request.path.startswith(self.relaxed_paths)
            response[HEADER] = self.relaxed if relaxed else self.policy
        return response
