from django.core.exceptions import PermissionDenied
from djangosaml2.backends import Saml2Backend

USERNAME_PREFIX = "stx-"


class ContactSaml2Backend(Saml2Backend):
    """Website users made from the IdP's assertion: no usable password, never staff."""

    def clean_user_main_attribute(self, main_attribute):
        return f"{USERNAME_PREFIX}{main_attribute}"

    def get_or_create_user(self, *args, **kwargs):
        user, created = super().get_or_create_user(*args, **kwargs)
        if user is not None and (user.is_staff or user.is_superuser):
            raise PermissionDenied("An administrator cannot sign in through the ticketshop.")
        return user, created

    def _update_user(self, user, attributes, attribute_mapping, force_save=False):
        user.is_staff = False
        user.is_superuser = False
        if user.has_usable_password():
            user.set_unusable_password()
            force_save = True
        return super()._update_user(user, attributes, attribute_mapping, force_save=force_save)
