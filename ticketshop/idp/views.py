# Over 400 lines: the SAML endpoints and the sign-in/reset pages share the session and request checks above them.
"""The IdP's pages: metadata, single sign-on, single logout, sign-in and password reset."""

import base64
import hashlib
import logging
import secrets
import time
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORDPROTECTEDTRANSPORT

from ticketshop import conf
from ticketshop.contacts.accounts import choose_password
from ticketshop.contacts.tokens import contact_from_token
from ticketshop.idp import freshness, limits, saml, services, session
from ticketshop.idp.cookie import clear_contact_cookie, set_contact_cookie
from ticketshop.idp.forms import ChoosePasswordForm, ForgotPasswordForm, SignInForm
from ticketshop.organisation.return_urls import return_url_or_default

logger = logging.getLogger(__name__)

STALE_MESSAGE = _lazy(
    "This sign-in or sign-out request has expired or was already used. Please start again "
    "from the website."
)
PENDING_KEY = "idp_pending_authn"
PENDING_SECONDS = 15 * 60  # a sign-in left unfinished longer than this starts over


def _pending(request):
    """The SP's authentication request waiting for this sign-in, if recent."""
    pending = request.session.get(PENDING_KEY)
    if pending and time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY)
        return None
    return pending


def _client_ip(request):
    return limits.client_ip(request)  # X-Forwarded-For only from IDP_TRUSTED_PROXIES


RATE_LIMITED_MESSAGE = _lazy("Too many requests from you. Please try again in an hour.")


def _safe_next(request, value, default="/account/"):
    """`next` when the one return-URL rule allows it (this host only), else `default`."""
    return return_url_or_default(value, {request.get_host().lower()}, default)


@require_GET
def metadata(request):
    return HttpResponse(saml.idp_metadata_xml(), content_type="text/xml; charset=utf-8")


# --- single sign-on --------------------------------------------------------------------------


def _parse_authn_request(data, binding):
    server = saml.get_server()
    return server.parse_authn_request(
        data["SAMLRequest"],
        binding,
        relay_state=data.get("RelayState"),
        sigalg=data.get("SigAlg"),
        signature=data.get("Signature"),
    )


def _handle_sso(request, data, binding):
    if "SAMLRequest" not in data:
        return HttpResponseBadRequest(_("Missing SAMLRequest."))
    try:
        req_info = _parse_authn_request(data, binding)
    except Exception:
        logger.info("Refused SAML authentication request", exc_info=True)
        req_info = None
    if req_info is None:
        return HttpResponseBadRequest(_("Invalid SAML authentication request."))
    refused = freshness.refusal(req_info.message, "authn")
    if refused:
        logger.info("Refused SAML authentication request: %s", refused)
        return HttpResponseBadRequest(STALE_MESSAGE)
    server = saml.get_server()
    try:
        resp_args = server.response_args(req_info.message, [BINDING_HTTP_POST])
    except Exception:
        logger.info("Unknown service provider", exc_info=True)
        return HttpResponseBadRequest(_("Unknown service provider."))
    request.session[PENDING_KEY] = {
        "in_response_to": resp_args["in_response_to"],
        "destination": resp_args["destination"],
        "sp_entity_id": resp_args["sp_entity_id"],
        "relay_state": data.get("RelayState", ""),
        "at": time.time(),
    }
    contact = session.signed_in_contact(request)
    force_authn = str(req_info.message.force_authn or "").lower() in ("true", "1")
    if contact is not None and not force_authn:
        return _answer_pending(request, contact)
    return HttpResponseRedirect(reverse("idp:login"))


@never_cache
@require_GET
def sso_redirect(request):
    return _handle_sso(request, request.GET, BINDING_HTTP_REDIRECT)


@never_cache
@csrf_exempt  # a SAML message is signed; it cannot carry our CSRF token
@require_POST
def sso_post(request):
    return _handle_sso(request, request.POST, BINDING_HTTP_POST)


def _answer_pending(request, contact):
    """Send the signed assertion for the pending request to the SP (auto-posting form)."""
    pending = request.session.pop(PENDING_KEY)
    server = saml.get_server()
    provider = saml.provider(pending["sp_entity_id"])
    if provider is None:  # switched off since the request came
        return HttpResponseBadRequest(_("Unknown service provider."))
    name_id = saml.name_id(contact.contact_number, pending["sp_entity_id"])
    authn_response = server.create_authn_response(
        identity=saml.released_attributes(contact, provider),
        in_response_to=pending["in_response_to"],
        destination=pending["destination"],
        sp_entity_id=pending["sp_entity_id"],
        name_id=name_id,
        userid=contact.contact_number,
        authn={"class_ref": PASSWORDPROTECTEDTRANSPORT},
        sign_response=provider.sign_response,  # per SP; the bundled website wants it (S2)
        sign_assertion=True,
    )
    http_args = server.apply_binding(
        BINDING_HTTP_POST,
        str(authn_response),
        pending["destination"],
        pending["relay_state"],
        response=True,
    )
    session.remember_sp(request, pending["sp_entity_id"])
    response = _auto_post_page(http_args["data"], pending["destination"])
    set_contact_cookie(request, response, contact)
    return response


# pysaml2's auto-posting page submits itself with `onload="document.forms[0].submit()"`.
_SUBMIT_HASH = base64.b64encode(hashlib.sha256(b"document.forms[0].submit()").digest()).decode()


def _auto_post_page(html, destination):
    """The SAML POST-binding page, with a Content-Security-Policy allowing exactly its one
    handler and a form posted to the SP's origin (the site's policy cannot know every SP)."""
    parts = urlsplit(destination)
    response = HttpResponse(html)
    response["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'unsafe-hashes' 'sha256-{_SUBMIT_HASH}'; "
        f"form-action {parts.scheme}://{parts.netloc}; frame-ancestors 'none'; base-uri 'none'"
    )
    return response


# --- sign-in page ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if next_url:
        request.session.pop(PENDING_KEY, None)  # a direct visit, not an SSO request
    if request.method == "GET" and not _pending(request):
        if session.signed_in_contact(request) is not None:  # already signed in: carry on
            return HttpResponseRedirect(_safe_next(request, next_url))
    form = SignInForm(request.POST or None)
    locked = False
    if request.method == "POST" and form.is_valid():
        attempt = services.attempt_sign_in(
            conf.get("ORGANISATION_CODE"),
            form.cleaned_data["email"],
            form.cleaned_data["password"],
            _client_ip(request),
        )
        locked = attempt.locked
        if attempt.retry_after:
            form.add_error(
                None,
                _(
                    "Too many failed sign-in attempts for this account. For your security, "
                    "please try again in %(seconds)d seconds or reset your password."
                )
                % {"seconds": attempt.retry_after},
            )
        elif attempt.locked:
            form.add_error(None, session.LOCKED_MESSAGE)
        elif attempt.contact is None:
            form.add_error(None, _("The email address or the password is wrong."))
        else:
            session.sign_in(request, attempt.contact)
            if _pending(request):
                return _answer_pending(request, attempt.contact)
            response = HttpResponseRedirect(_safe_next(request, next_url))
            set_contact_cookie(request, response, attempt.contact)
            return response
    status = 429 if locked else (400 if request.method == "POST" else 200)
    response = render(
        request, "idp/login.html", {"form": form, "next": next_url, "locked": locked}, status=status
    )
    if locked:
        response["Retry-After"] = str(attempt.retry_after or session.LOCKOUT_SECONDS)
    return response


LOGOUT_KEY = "idp:logout"
LOGOUT_SECONDS = 10 * 60


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request):
    """Sign out of the ticketshop and of every service provider signed in through us (S2).

    GET only asks (a link or an image elsewhere must not sign anyone out: logout CSRF); the
    POST, with Django's CSRF token, signs out and sends a signed LogoutRequest to each SP in
    turn (their LogoutResponses come back to the SLO endpoints), then goes to `next`."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"), "/")
    if request.method == "GET":
        return render(request, "idp/logout.html", {"next": next_url})
    contact = session.signed_in_contact(request)
    sps = session.sign_out(request)
    if contact is not None and sps:
        state = {"remaining": list(sps), "next": next_url, "number": contact.contact_number}
        response = _continue_logout(secrets.token_urlsafe(16), state)
    else:
        response = HttpResponseRedirect(next_url)
    clear_contact_cookie(response)
    return response


def _continue_logout(token, state):
    """A signed LogoutRequest to the next SP of the sign-out under way, or its final page.

    The state is kept in the cache under a random token sent as RelayState (short, as the
    binding asks), not in the session: on one host the website's logout flushes the session
    the two share."""
    server = saml.get_server()
    while state["remaining"]:
        sp_entity_id = state["remaining"].pop(0)
        try:
            endpoints = server.metadata.single_logout_service(
                sp_entity_id, BINDING_HTTP_REDIRECT, "spsso"
            )
        except Exception:
            endpoints = []
        if not endpoints:
            continue  # switched off or no SLO endpoint: nothing to tell it
        destination = endpoints[0]["location"]
        request_id, logout_request = server.create_logout_request(
            destination,
            issuer_entity_id=sp_entity_id,
            name_id=saml.name_id(state["number"], sp_entity_id),
            sign=False,  # the redirect binding signs the query string
        )
        state["waiting_for"] = request_id
        cache.set(f"{LOGOUT_KEY}:{token}", state, LOGOUT_SECONDS)
        http_args = server.apply_binding(
            BINDING_HTTP_REDIRECT, str(logout_request), destination, token, sign=True
        )
        return HttpResponseRedirect(dict(http_args["headers"])["Location"])
    cache.delete(f"{LOGOUT_KEY}:{token}")
    return HttpResponseRedirect(state["next"])


# --- single logout ---------------------------------------------------------------------------


def _handle_logout_response(request, data, binding):
    """An SP answers our LogoutRequest: on to the next SP."""
    token = str(data.get("RelayState", ""))[:64]
    state = cache.get(f"{LOGOUT_KEY}:{token}") if token else None
    try:
        response = saml.get_server().parse_logout_request_response(data["SAMLResponse"], binding)
    except Exception:
        logger.info("Refused SAML logout response", exc_info=True)
        response = None
    if (
        response is None
        or not state
        or response.response.in_response_to != state.get("waiting_for")
    ):
        return HttpResponseBadRequest(_("Invalid SAML logout response."))
    return _continue_logout(token, state)


def _handle_slo(request, data, binding):
    if "SAMLResponse" in data:
        return _handle_logout_response(request, data, binding)
    if "SAMLRequest" not in data:
        return HttpResponseBadRequest(_("Missing SAMLRequest."))
    server = saml.get_server()
    try:
        req_info = server.parse_logout_request(
            data["SAMLRequest"],
            binding,
            relay_state=data.get("RelayState"),
            sigalg=data.get("SigAlg"),
            signature=data.get("Signature"),
        )
        if req_info is None:
            raise ValueError("no request")
        refused = freshness.refusal(req_info.message, "logout")
        if refused:
            logger.info("Refused SAML logout request: %s", refused)
            return HttpResponseBadRequest(STALE_MESSAGE)
        resp_args = server.response_args(req_info.message, [binding])
    except Exception:
        logger.info("Refused SAML logout request", exc_info=True)
        return HttpResponseBadRequest(_("Invalid SAML logout request."))
    session.sign_out(request)
    logout_response = server.create_logout_response(
        req_info.message, [resp_args["binding"]], sign=resp_args["binding"] == BINDING_HTTP_POST
    )
    http_args = server.apply_binding(
        resp_args["binding"],
        str(logout_response),
        resp_args["destination"],
        data.get("RelayState", ""),
        response=True,
        sign=resp_args["binding"] == BINDING_HTTP_REDIRECT,
    )
    if http_args["method"] == "GET":
        response = HttpResponseRedirect(dict(http_args["headers"])["Location"])
    else:
        response = _auto_post_page(http_args["data"], resp_args["destination"])
    clear_contact_cookie(response)
    return response


@never_cache
@require_GET
def slo_redirect(request):
    return _handle_slo(request, request.GET, BINDING_HTTP_REDIRECT)


@never_cache
@csrf_exempt  # signed SAML message
@require_POST
def slo_post(request):
    return _handle_slo(request, request.POST, BINDING_HTTP_POST)


# --- forgotten password ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_forgot(request):
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not limits.allow("password_forgot", request, form.cleaned_data["email"]):
            form.add_error(None, RATE_LIMITED_MESSAGE)  # no email sent (email bombing)
            return render(request, "idp/password_forgot.html", {"form": form}, status=429)
        services.send_password_reset_link(conf.get("ORGANISATION_CODE"), form.cleaned_data["email"])
        # The same answer whether or not the address is known.
        messages.info(
            request, _("If this address is known, we have sent it a link to choose a password.")
        )
        return HttpResponseRedirect(reverse("idp:login"))
    return render(request, "idp/password_forgot.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request):
    number = request.POST.get("contactNumber") or request.GET.get("contactNumber", "")
    token = request.POST.get("token") or request.GET.get("token", "")
    contact = contact_from_token(number, token)
    if contact is None:
        return render(request, "idp/password_reset_invalid.html", status=400)
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        choose_password(contact, form.cleaned_data["password1"])
        messages.success(request, _("Your password has been saved. You can now sign in."))
        return HttpResponseRedirect(reverse("idp:login"))
    return render(
        request,
        "idp/password_reset.html",
        {"form": form, "contact_number": number, "token": token},
    )
