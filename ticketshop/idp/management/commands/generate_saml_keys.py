from django.core.management.base import BaseCommand

from ticketshop.idp import keys
from ticketshop.idp.saml import write_idp_metadata


class Command(BaseCommand):
    requires_system_checks = []  # needed at set-up, before the rest of the site is complete
    help = (
        "Create the SAML keys and self-signed certificates in TICKETSHOP['KEYS_DIR'] (kept when "
        "they exist) and write the IdP's metadata file there."
    )

    def handle(self, *args, **options):
        directory = keys.keys_dir()
        directory.mkdir(parents=True, exist_ok=True)
        for key_name, cert_name, common_name in [
            (keys.IDP_KEY, keys.IDP_CERT, "ticketshop identity provider"),
            (keys.SP_KEY, keys.SP_CERT, "website service provider"),
        ]:
            created = keys.generate_key_pair(
                keys.key_path(key_name), keys.key_path(cert_name), common_name
            )
            verb = "Created" if created else "Kept"
            self.stdout.write(f"{verb} {directory / key_name} and {cert_name}")
        path = write_idp_metadata()
        self.stdout.write(f"Wrote {path}")
