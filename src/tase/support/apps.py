from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "tase.support"
    label = "support"
    verbose_name = _("Customer support")

    def ready(self):
        pass
