from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "tase.delivery"
    label = "delivery"
    verbose_name = _("Implementation projects")

    def ready(self):
        from tase.core.registry import (
            DemoLoader,
            register_demo,
        )

        from . import checks
        from .demo import load_demo

        checks.register()
        register_demo(DemoLoader("delivery", load_demo, order=40))
