from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "tase.delivery"
    label = "delivery"
    verbose_name = _("Implementation projects")

    def ready(self):
        pass
