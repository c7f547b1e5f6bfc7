"""The ticketshop's one mail service (in pretix's manner): every email a contact receives is
sent from here, one function per kind of message.

Each message is two templates under `mail/` (the subject and the plain-text body), rendered in
the recipient's language; the HTML alternative is the same text laid out by `mail/base.html`.
Callers pass ready-made links: this module sits in the lowest layer (organisation), so every
layer above may use it and it imports none of them. The order emails (confirmation, refunds)
keep their templates in `sales/` and are sent through `send_templated_mail` by
`ticketshop.sales.tickets`, from the orders' outbox."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from ticketshop.multilingual import normalise_language


def send_templated_mail(recipient, subject_template, text_template, context):
    """Send `recipient` (a contact: email, language) a message rendered in their language.

    Returns the number of messages sent (0 when the contact has no email address)."""
    if not recipient.email:
        return 0
    language = normalise_language(recipient.language, default="en")
    with translation.override(language):
        subject = " ".join(render_to_string(subject_template, context).split())
        text = render_to_string(text_template, context)
        # The text is rendered "safe" (unescaped, as typed); the HTML layout must escape it.
        plain = "".join(text)  # a plain str again
        html = render_to_string(
            "mail/base.html", {"subject": subject, "body": plain, "language": language}
        )
    message = EmailMultiAlternatives(subject, text, None, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message.send()


def send_account_created(contact, created_by, url):
    """F4: someone added `contact` to their friends and family, which created their account;
    `url` lets them confirm their address and choose a password."""
    return send_templated_mail(
        contact,
        "mail/account_created_subject.txt",
        "mail/account_created.txt",
        {"contact": contact, "created_by": created_by, "url": url},
    )


def send_link_request(link, url):
    """F4 with consent: ask the link's child to accept being linked to its parent (`url`)."""
    return send_templated_mail(
        link.child,
        "mail/link_request_subject.txt",
        "mail/link_request.txt",
        {"contact": link.child, "parent": link.parent, "url": url},
    )


def send_email_confirmation(contact, url):
    """L3: a newly registered contact confirms their email address (`url`)."""
    return send_templated_mail(
        contact,
        "mail/email_confirmation_subject.txt",
        "mail/email_confirmation.txt",
        {"contact": contact, "url": url},
    )


def send_password_reset(contact, url):
    """S1: a contact who forgot their password chooses a new one (`url`)."""
    return send_templated_mail(
        contact,
        "mail/password_reset_subject.txt",
        "mail/password_reset.txt",
        {"contact": contact, "url": url},
    )
