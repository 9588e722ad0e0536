from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchipelConfig(AppConfig):
    name = "archipel"
    verbose_name = _("Archipel")
