from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from ticketshop.contacts.models import Contact, Criterion
from ticketshop.multilingual import LANGUAGES


class CriteriaField(forms.ModelMultipleChoiceField):
    """Interests by their name in the visitor's language (not the English `str`)."""

    def label_from_instance(self, obj):
        return obj.name()


def language_choices():
    """Each language by its own name ("Français", "Deutsch"), as language pickers say it."""
    return [(code, get_language_info(code)["name_local"].capitalize()) for code in LANGUAGES]


def distinct_titles(current=""):
    """The titles as the visitor's language says them, each wording once: French says "Mme"
    for both Mrs and Ms, German "Frau", Spanish "Sra."; the contact's own title is the one kept
    of such a pair."""
    groups = {}
    for value, label in Contact.Title.choices:
        groups.setdefault(str(label), []).append(value)
    kept = {values[0] if current not in values else current for values in groups.values()}
    return [(value, label) for value, label in Contact.Title.choices if value in kept]


class FriendForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)


class RegistrationForm(forms.Form):
    """L3's four sections; the last three can be hidden (showAddress/showCriteria/showAuthorization)."""

    # 1. account access
    email = forms.EmailField(label=_("Email address"), max_length=254)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput, strip=False
    )
    # 2. profile
    title = forms.ChoiceField(label=_("Title"), choices=Contact.Title.choices, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    line1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    line2 = forms.CharField(label=_("Address (continued)"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("ISO 3166 code, e.g. FR.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    # 3. criteria
    interests = CriteriaField(
        label=_("Interests"),
        queryset=Criterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    ADDRESS_FIELDS = ["line1", "line2", "postcode", "city", "country", "phone"]

    def __init__(
        self,
        *args,
        organisation,
        show_address=True,
        show_criteria=True,
        show_authorization=True,
        with_access=True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not with_access:  # editing: the email and password change elsewhere
            for name in ("email", "password1", "password2"):
                del self.fields[name]
            self.fields["language"] = forms.ChoiceField(
                label=_("Language"), choices=language_choices()
            )
        current = self.data.get("title") if self.is_bound else self.initial.get("title", "")
        # shown: one option per wording; accepted: every title (the field's own choices)
        self.fields["title"].widget.choices = distinct_titles(current or "")
        self.organisation = organisation
        self.show_address = show_address
        self.show_criteria = show_criteria
        self.show_authorization = show_authorization
        if not show_address:
            for name in self.ADDRESS_FIELDS:
                del self.fields[name]
        if show_criteria:
            self.fields["interests"].queryset = organisation.criteria.all()
        else:
            del self.fields["interests"]
        self.authorisations = list(organisation.authorisations.all()) if show_authorization else []
        for authorisation in self.authorisations:
            self.fields[f"consent_{authorisation.code}"] = forms.BooleanField(
                label=authorisation.name(), required=False
            )

    def section(self, names):
        return [self[name] for name in names if name in self.fields]

    def access_fields(self):
        return self.section(["email", "password1", "password2"])

    def profile_fields(self):
        return self.section(["title", "first_name", "last_name", "language", *self.ADDRESS_FIELDS])

    def consent_fields(self):
        return [self[f"consent_{a.code}"] for a in self.authorisations]

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            probe = Contact(
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(data["password1"], probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        if self.show_address:
            given = [data.get(n) for n in ("line1", "postcode", "city", "country")]
            if any(given) and not all(given):
                self.add_error(
                    None, _("Give the address, postcode, city and country, or none of them.")
                )
        return data

    def address(self):
        if not self.show_address or not self.cleaned_data.get("line1"):
            return None
        return {
            "line1": self.cleaned_data["line1"],
            "line2": self.cleaned_data.get("line2", ""),
            "postcode": self.cleaned_data["postcode"],
            "city": self.cleaned_data["city"],
            "country": self.cleaned_data["country"].upper(),
        }

    def consents(self):
        return {a: self.cleaned_data.get(f"consent_{a.code}", False) for a in self.authorisations}
