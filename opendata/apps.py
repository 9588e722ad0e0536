from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Données ouvertes")

    def ready(self):
        from core.pagecache import content_changed
        from opendata.tasks import on_content_changed

        # A change to the content makes the files read from it out of date.
        content_changed.connect(on_content_changed, dispatch_uid="opendata.exports")
