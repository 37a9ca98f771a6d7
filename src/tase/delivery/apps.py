from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "tase.delivery"
    label = "delivery"
    verbose_name = _("Implementation projects")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from tase.core.models import Organization
        from tase.core.registry import (
            BannerSource,
            DemoLoader,
            NavItem,
            StartPanel,
            register_banner_source,
            register_demo,
            register_nav,
            register_start_panel,
        )

        from . import banners, billing, checks, hooks, notices
        from .demo import load_demo
        from .models import Phase, Project
        from .panels import forget_card, start_panel

        billing.register()
        for signal in (post_save, post_delete):
            for model in (Project, Phase, Organization):
                signal.connect(
                    forget_card,
                    sender=model,
                    dispatch_uid=f"delivery.card.{model.__name__}.{signal is post_save}",
                )
        m2m_changed.connect(
            forget_card, sender=Project.consultants.through, dispatch_uid="delivery.card.m2m"
        )
        checks.register()
        notices.register()
        hooks.register_defaults()
        register_nav(
            NavItem("delivery", _("Projects"), "delivery:overview", "delivery.view", order=40)
        )
        register_nav(
            NavItem(
                "delivery_my_tasks", _("My tasks"), "delivery:my_tasks", "delivery.manage", order=41
            )
        )
        register_nav(
            NavItem(
                "delivery_accounts",
                _("Accounts"),
                "delivery:accounts",
                "delivery.contracts",
                order=42,
            )
        )
        register_nav(
            NavItem(
                "delivery_templates",
                _("Project templates"),
                "delivery:templates",
                "delivery.templates",
                order=43,
            )
        )
        register_start_panel(
            StartPanel("delivery", "delivery/_panel.html", "delivery.view", start_panel, order=20)
        )
        register_demo(DemoLoader("delivery", load_demo, order=40))
        register_banner_source(BannerSource("delivery_test_environment", banners.banners))
