from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom of the project: pieces every app may use, importing no app of ours."""

    name = "core"
    verbose_name = _("Socle")

    def ready(self):
        from core import pagecache  # noqa: F401  (connects its signal receivers)
