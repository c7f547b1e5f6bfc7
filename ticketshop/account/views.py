"""The account area (F2–F5): thin views over the contacts services, inside the website's layout."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ticketshop.account.forms import FriendForm, RegistrationForm
from ticketshop.contacts.models import Contact
from ticketshop.contacts.services import (
    accept_link,
    contact_tokens,
    link_contact,
    pending_link_from_token,
    register_contact,
    unlink_contact,
    update_contact_details,
)
from ticketshop.idp.cookie import set_contact_cookie
from ticketshop.idp.session import sign_in, signed_in_contact
from ticketshop.multilingual import normalise_language
from ticketshop.organisation.models import PointOfSales


def point_of_sales():
    return (
        PointOfSales.objects.select_related("channel__organisation")
        .filter(code=settings.SECUTIX["POINT_OF_SALES_CODE"])
        .first()
    )


def friends_enabled(contact):
    pos = point_of_sales()
    return bool(
        pos
        and pos.allow_purchase_for_friends_family
        and pos.channel.organisation_id == contact.organisation_id
    )


def use_requested_language(request):
    """`?lang=` (as the redirect API passes it) chooses the page's language."""
    requested = request.GET.get("lang", "")
    if requested and normalise_language(requested, default="") == requested.lower()[:2]:
        translation.activate(requested.lower()[:2])
        request.LANGUAGE_CODE = translation.get_language()


def contact_required(view):
    """The account area needs the IdP's contact session; otherwise sign in and come back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        use_requested_language(request)
        contact = signed_in_contact(request)
        if contact is None:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('idp:login')}?{query}")
        request.contact = contact
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _render(request, template, context=None, status=200):
    pos = point_of_sales()
    base = {
        "contact": request.contact,
        "friends_enabled": friends_enabled(request.contact),
        "products_url": (
            pos.external_url("website_home_url", request.contact.language) if pos else ""
        )
        or "/",
    }
    return render(request, template, {**base, **(context or {})}, status=status)


@contact_required
@require_GET
def home(request):
    return _render(request, "account/home.html", {"section": "home"})


EMPTY_PAGES = {
    "offers": gettext_lazy("Offers"),
    "tickets": gettext_lazy("Tickets"),
    "resale": gettext_lazy("Resell tickets"),
    "orders": gettext_lazy("Order history"),
    "subscriptions": gettext_lazy("Subscriptions"),
}


@contact_required
@require_GET
def empty_page(request, section):
    """Pages whose content comes with booking: a real empty state until then."""
    return _render(
        request, "account/empty.html", {"section": section, "heading": EMPTY_PAGES[section]}
    )


def _details_form(request, organisation, data=None, **kwargs):
    return RegistrationForm(
        data,
        organisation=organisation,
        show_address=_flag(request, "showAddress"),
        show_criteria=_flag(request, "showCriteria"),
        show_authorization=_flag(request, "showAuthorization"),
        **kwargs,
    )


def _profile_initial(contact):
    address = contact.addresses.filter(is_default=True).first()
    initial = {
        "title": contact.title,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "language": contact.language,
        "phone": contact.phone,
        "interests": list(contact.interests.all()),
    }
    if address:
        initial.update(
            line1=address.line1,
            line2=address.line2,
            postcode=address.postcode,
            city=address.city,
            country=address.country,
        )
    for consent in contact.consents.select_related("authorisation"):
        initial[f"consent_{consent.authorisation.code}"] = consent.granted
    return initial


@contact_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """L3 `/account/edit`: the profile, criteria and authorisation sections (show* flags)."""
    contact = request.contact
    form = _details_form(
        request,
        contact.organisation,
        request.POST or None,
        with_access=False,
        initial=_profile_initial(contact),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        update_contact_details(
            contact,
            first_name=data["first_name"],
            last_name=data["last_name"],
            title=data.get("title", ""),
            language=data.get("language"),
            phone=data.get("phone") if form.show_address else None,
            address=form.address() if form.show_address else False,
            interests=data.get("interests") if form.show_criteria else None,
            consents=form.consents() if form.show_authorization else None,
        )
        messages.success(request, _("Your details have been saved."))
        return HttpResponseRedirect(callback_url(request) or reverse("account:profile"))
    return _render(
        request,
        "account/profile.html",
        {"section": "profile", "form": form, "query": request.GET.urlencode()},
        status=400 if request.method == "POST" else 200,
    )


def callback_url(request):
    """The allowed `callbackUrl` (L3): a local path, or a host the point of sales allows."""
    url = request.GET.get("callbackUrl", "")
    if not url:
        return ""
    pos = point_of_sales()
    hosts = {request.get_host()}
    if pos:
        hosts.update(h.strip() for h in pos.allowed_return_hosts.splitlines() if h.strip())
    if url_has_allowed_host_and_scheme(url, allowed_hosts=hosts):
        return url
    return ""


def _flag(request, name):
    return request.GET.get(name, "true").lower() not in ("false", "0", "no")


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    """L3: create an account (four sections), sign in, confirm the email by a link."""
    use_requested_language(request)
    pos = point_of_sales()
    if pos is None:
        raise Http404
    organisation = pos.channel.organisation
    form = _details_form(request, organisation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = register_contact(
                organisation,
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                title=data.get("title", ""),
                phone=data.get("phone", ""),
                language=pos.language_or_default(get_language()),
                address=form.address(),
                interests=data.get("interests") or (),
                consents=form.consents(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("email" if "email" in message.lower() else None, message)
        else:
            sign_in(request, contact)
            messages.success(
                request,
                _("Your account is created. We have sent you a link to confirm your email."),
            )
            response = HttpResponseRedirect(callback_url(request) or reverse("account:home"))
            set_contact_cookie(request, response, contact)
            return response
    return render(
        request,
        "account/register.html",
        {"form": form, "query": request.GET.urlencode()},
        status=400 if request.method == "POST" else 200,
    )


@contact_required
@require_GET
def password(request):
    return _render(request, "account/password.html", {"section": "password"})


@contact_required
@require_GET
def addresses(request):
    return _render(
        request,
        "account/addresses.html",
        {"section": "addresses", "addresses": request.contact.addresses.all()},
    )


# --- friends and family (F4) -----------------------------------------------------------------


def _friends_context(request, form=None):
    links = (
        request.contact.child_links.select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
        .all()
    )
    return {
        "section": "friends",
        "links": links,
        "form": form or FriendForm(),
        "show_form": bool(request.GET.get("new")),
        "fragment": request.headers.get("X-Requested-With") == "fetch",
    }


def _friends_response(request, context, status=200):
    template = (
        "account/_friends_panel.html"
        if request.headers.get("X-Requested-With") == "fetch"
        else "account/friends.html"
    )
    return _render(request, template, context, status=status)


@contact_required
@require_GET
def friends(request):
    if not friends_enabled(request.contact):
        raise Http404
    return _friends_response(request, _friends_context(request))


@contact_required
@require_POST
def friend_add(request):
    if not friends_enabled(request.contact):
        raise Http404
    form = FriendForm(request.POST)
    if form.is_valid():
        try:
            link, created = link_contact(
                request.contact,
                form.cleaned_data["email"],
                form.cleaned_data["first_name"],
                form.cleaned_data["last_name"],
                consent_required=point_of_sales().linked_contacts_must_consent,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if created:
                messages.success(request, _("The contact has been created and told by email."))
            elif link.is_pending:
                messages.success(
                    request,
                    _("We have asked the contact by email to accept; the link waits until then."),
                )
            else:
                messages.success(request, _("The contact has been added."))
            if request.headers.get("X-Requested-With") == "fetch":
                return _friends_response(request, _friends_context(request))
            return HttpResponseRedirect(reverse("account:friends"))
    return _friends_response(request, _friends_context(request, form), status=400)


@contact_required
@require_POST
def friend_remove(request, link_id):
    if not friends_enabled(request.contact):
        raise Http404
    if not unlink_contact(request.contact, link_id):
        raise Http404  # not one of the visitor's own links
    messages.success(request, _("The link has been removed."))
    if request.headers.get("X-Requested-With") == "fetch":
        return _friends_response(request, _friends_context(request))
    return HttpResponseRedirect(reverse("account:friends"))


@never_cache
def friend_accept(request):
    """A contact accepts, from the link in their email, to be someone's friend or family."""
    use_requested_language(request)
    token = request.POST.get("token") or request.GET.get("token", "")
    link = pending_link_from_token(token)
    if request.method == "POST" and link is not None:
        accept_link(token)
        return render(request, "account/friend_accept.html", {"link": link, "accepted": True})
    status = 200 if link else 404
    return render(
        request, "account/friend_accept.html", {"link": link, "token": token}, status=status
    )


# --- activation ------------------------------------------------------------------------------


@never_cache
@require_GET
def activate(request):
    """Confirm the email address; a contact without a password then chooses one (on the IdP)."""
    number = request.GET.get("contactNumber", "")
    token = request.GET.get("token", "")
    contact = Contact.objects.filter(contact_number=number, is_active=True).first()
    if contact is None or not contact_tokens.check_token(contact, token):
        return render(request, "account/activate_invalid.html", status=400)
    if not contact.email_confirmed:
        contact.email_confirmed = True
        contact.save(update_fields=["email_confirmed"])
    if not contact.has_usable_password():
        query = urlencode({"contactNumber": number, "token": token})
        return HttpResponseRedirect(f"{reverse('idp:password_reset')}?{query}")
    messages.success(request, _("Your email address is confirmed. You can sign in."))
    return HttpResponseRedirect(reverse("idp:login"))
