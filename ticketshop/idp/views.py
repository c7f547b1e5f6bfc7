"""The IdP's pages: metadata, single sign-on, single logout, sign-in and password reset."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORDPROTECTEDTRANSPORT
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

from ticketshop.contacts.accounts import choose_password
from ticketshop.contacts.tokens import contact_from_token
from ticketshop.idp import saml, services, session
from ticketshop.idp.cookie import clear_contact_cookie, set_contact_cookie
from ticketshop.idp.forms import ChoosePasswordForm, ForgotPasswordForm, SignInForm

logger = logging.getLogger(__name__)

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
    return request.META.get("REMOTE_ADDR", "")


def _safe_next(request, value, default="/account/"):
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


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
    name_id = NameID(
        format=NAMEID_FORMAT_PERSISTENT,
        sp_name_qualifier=pending["sp_entity_id"],
        text=contact.contact_number,
    )
    authn_response = server.create_authn_response(
        identity=saml.released_attributes(contact),
        in_response_to=pending["in_response_to"],
        destination=pending["destination"],
        sp_entity_id=pending["sp_entity_id"],
        name_id=name_id,
        userid=contact.contact_number,
        authn={"class_ref": PASSWORDPROTECTEDTRANSPORT},
        sign_response=True,
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
    response = HttpResponse(http_args["data"])
    set_contact_cookie(request, response, contact)
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
            settings.SECUTIX["ORGANISATION_CODE"],
            form.cleaned_data["email"],
            form.cleaned_data["password"],
            _client_ip(request),
        )
        locked = attempt.locked
        if attempt.locked:
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
    return render(
        request, "idp/login.html", {"form": form, "next": next_url, "locked": locked}, status=status
    )


@never_cache
def logout(request):
    """Sign out of the ticketshop; when the website was signed in through us, log it out too."""
    sps = session.sign_out(request)
    if sps:
        target = f"{saml.website_url()}/saml2/logout/"
    else:
        target = _safe_next(request, request.GET.get("next"), default="/")
    response = HttpResponseRedirect(target)
    clear_contact_cookie(response)
    return response


# --- single logout ---------------------------------------------------------------------------


def _handle_slo(request, data, binding):
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
        response = HttpResponse(http_args["data"])
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
        services.send_password_reset_link(
            settings.SECUTIX["ORGANISATION_CODE"], form.cleaned_data["email"]
        )
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
