"""The account area (F2–F5): thin views over the contacts services, inside the website's layout."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ticketshop.account.forms import FriendForm, RegistrationForm
from ticketshop.account.pages import contact_required, in_requested_language, render_account_page
from ticketshop.contacts.services import (
    accept_link,
    confirm_email,
    contact_from_token,
    friends_and_family_enabled,
    link_contact,
    pending_link_from_token,
    register_contact,
    unlink_contact,
    update_contact_details,
)
from ticketshop.idp import limits
from ticketshop.idp.cookie import set_contact_cookie
from ticketshop.idp.session import sign_in
from ticketshop.organisation.points_of_sale import current_point_of_sales
from ticketshop.organisation.return_urls import allowed_return_hosts, return_url_or_default


def friends_enabled(contact):
    return friends_and_family_enabled(current_point_of_sales(), contact)


@contact_required
@require_GET
def home(request):
    return render_account_page(request, "account/home.html", {"section": "home"})


@contact_required
@require_GET
def empty_page(request, section):
    """Offers: a real empty state until a feature fills it (the other sections have pages)."""
    return render_account_page(
        request, "account/empty.html", {"section": section, "heading": _("Offers")}
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
    return render_account_page(
        request,
        "account/profile.html",
        {"section": "profile", "form": form, "query": request.GET.urlencode()},
        status=400 if request.method == "POST" else 200,
    )


def callback_url(request):
    """The allowed `callbackUrl` (L3): a local path, or a host the point of sales allows (the
    redirect API's rule, ticketshop.organisation.return_urls); else ""."""
    hosts = allowed_return_hosts(current_point_of_sales(), request.get_host())
    return return_url_or_default(request.GET.get("callbackUrl", ""), hosts)


def _flag(request, name):
    return request.GET.get(name, "true").lower() not in ("false", "0", "no")


@never_cache
@require_http_methods(["GET", "POST"])
@in_requested_language
def register(request):
    """L3: create an account (four sections), sign in, confirm the email by a link."""
    pos = current_point_of_sales()
    if pos is None:
        raise Http404
    organisation = pos.channel.organisation
    form = _details_form(request, organisation, request.POST or None)
    limited = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not limits.allow("register", request, data["email"]):  # no email bombing
            limited = True
            form.add_error(None, _("Too many requests from you. Please try again in an hour."))
    if request.method == "POST" and form.is_valid():
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
        status=429 if limited else (400 if request.method == "POST" else 200),
    )


@contact_required
@require_GET
def password(request):
    return render_account_page(request, "account/password.html", {"section": "password"})


@contact_required
@require_GET
def addresses(request):
    return render_account_page(
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
    return render_account_page(request, template, context, status=status)


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
                consent_required=current_point_of_sales().linked_contacts_must_consent,
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
@in_requested_language
def friend_accept(request):
    """A contact accepts, from the link in their email, to be someone's friend or family."""
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
    contact = contact_from_token(number, token)
    if contact is None:
        return render(request, "account/activate_invalid.html", status=400)
    confirm_email(contact)
    if not contact.has_usable_password():
        query = urlencode({"contactNumber": number, "token": token})
        return HttpResponseRedirect(f"{reverse('idp:password_reset')}?{query}")
    messages.success(request, _("Your email address is confirmed. You can sign in."))
    return HttpResponseRedirect(reverse("idp:login"))
