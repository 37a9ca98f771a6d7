from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "tase.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from django.db.models import fields

        from tase.rules import parameters

        # Django's own empty choice ("- Select an option -") has no Finnish translation.
        fields.BLANK_CHOICE_LABEL = _("Choose…")

        from . import fieldcrypt, signals  # noqa: F401  (key checks; sign-in events to the audit trail)
        from .parameter_values import DatabaseOverlay

        # Values the vendor's admin entered reach the pure rules layer through this hook.
        parameters.install_overlay(DatabaseOverlay())
        from django.utils.translation import gettext

        from tase.formats import i18n

        # The pure formats' messages (a CSV file's errors) in the reader's language.
        i18n.install(gettext)
        from .registry import DemoLoader, NavItem, register_demo, register_nav

        register_nav(
            NavItem(
                "start", pgettext_lazy("start page", "Start"), "start", "payslip.view_own", order=0
            )
        )
        register_nav(
            NavItem(
                "organizations",
                _("Organizations"),
                "organization_list",
                "organization.view",
                order=10,
            )
        )
        register_nav(
            NavItem(
                "parameters",
                _("Statutory parameters"),
                "parameter_list",
                "parameters.view",
                order=900,
            )
        )
        register_nav(NavItem("audit", _("Audit trail"), "audit_list", "audit.view", order=910))

        from .demo import load_platform

        register_demo(DemoLoader("platform", load_platform, order=0))
