from django.core.management.base import BaseCommand, CommandError

from ticketshop.idp import keys
from ticketshop.idp.saml import write_idp_metadata


class Command(BaseCommand):
    help = (
        "Rotate the IdP's signing key in two steps. `prepare`: create the next key pair and "
        "publish its certificate in the IdP's metadata beside the current one (let the service "
        "providers refresh their copy). `activate`: sign with the next pair from now on; the "
        "previous pair is kept as idp_previous.*."
    )

    def add_arguments(self, parser):
        parser.add_argument("step", choices=["prepare", "activate"])

    def handle(self, *args, step, **options):
        path = keys.key_path
        if step == "prepare":
            if not keys.generate_key_pair(
                path(keys.IDP_NEXT_KEY), path(keys.IDP_NEXT_CERT), "ticketshop identity provider"
            ):
                raise CommandError("A rotation is already prepared (idp_next.* exist).")
            self.stdout.write("Prepared the next key; its certificate is now in the metadata.")
        else:
            if not (path(keys.IDP_NEXT_KEY).exists() and path(keys.IDP_NEXT_CERT).exists()):
                raise CommandError("Nothing to activate: run `rotate_idp_key prepare` first.")
            path(keys.IDP_KEY).replace(path(keys.IDP_PREVIOUS_KEY))
            path(keys.IDP_CERT).replace(path(keys.IDP_PREVIOUS_CERT))
            path(keys.IDP_NEXT_KEY).replace(path(keys.IDP_KEY))
            path(keys.IDP_NEXT_CERT).replace(path(keys.IDP_CERT))
            self.stdout.write("Activated the next key; the previous one is kept as idp_previous.*")
        self.stdout.write(f"Wrote {write_idp_metadata()}")
