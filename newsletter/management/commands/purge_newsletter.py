"""python manage.py purge_newsletter — run daily (cron, systemd timer)."""

from django.core.management.base import BaseCommand

from newsletter.services import subscriptions_purge


class Command(BaseCommand):
    help = (
        "Supprime les inscriptions aux nouvelles jamais confirmées dont le dernier lien de "
        "confirmation a expiré (7 jours)."
    )

    def handle(self, *args, **options):
        deleted = subscriptions_purge()
        if options["verbosity"]:
            self.stdout.write(f"{deleted} inscription(s) non confirmée(s) supprimée(s).")
