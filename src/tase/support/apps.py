from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "tase.support"
    label = "support"
    verbose_name = _("Customer support")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

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

        from . import billing, selectors
        from .models import Announcement, AnnouncementRead, Guide, PhonePrice

        billing.register()
        # A read mark is only ever added; those an announcement's deletion takes with it need
        # no forgetting (the deletion starts a new generation).
        post_save.connect(
            selectors.forget_unread, sender=AnnouncementRead, dispatch_uid="support.unread"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                selectors.forget_service_breaks,
                sender=Announcement,
                dispatch_uid=f"support.service_breaks.{signal is post_save}",
            )
            signal.connect(
                selectors.forget_guides,
                sender=Guide,
                dispatch_uid=f"support.guides.{signal is post_save}",
            )
            signal.connect(
                selectors.forget_phone_prices,
                sender=PhonePrice,
                dispatch_uid=f"support.phone_prices.{signal is post_save}",
            )

        from . import demo, panels
        from .services import _notices

        _notices.register()

        items = [
            NavItem(
                "support_requests",
                _("Service requests"),
                "support:request_list",
                "support.use",
                400,
            ),
            NavItem("support_queue", _("Support queue"), "support:queue", "support.handle", 400),
            NavItem(
                "support_announcements",
                _("Announcements"),
                "support:announcement_list",
                "support.use",
                410,
            ),
            NavItem(
                "support_announcements_staff",
                _("Announcements"),
                "support:announcement_list",
                "support.publish",
                410,
            ),
            NavItem("support_guides", _("Guides"), "support:guide_list", "support.use", 420),
            NavItem(
                "support_guides_staff", _("Guides"), "support:guide_list", "support.publish", 420
            ),
            NavItem(
                "support_training", _("Extra training"), "support:training_list", "support.use", 430
            ),
            NavItem(
                "support_training_staff",
                _("Extra training"),
                "support:training_list",
                "support.handle",
                430,
            ),
            NavItem("support_calls", _("Phone calls"), "support:call_list", "support.handle", 440),
            NavItem(
                "support_statements",
                _("Phone statements"),
                "support:statement_index",
                "support.billing",
                450,
            ),
            NavItem(
                "support_dashboard",
                _("Support dashboard"),
                "support:dashboard",
                "support.handle",
                460,
            ),
        ]
        for item in items:
            register_nav(item)
        register_start_panel(
            StartPanel("support", "support/_panel.html", "support.use", panels.start_panel, 10)
        )
        register_start_panel(
            StartPanel(
                "support_queue",
                "support/_queue_panel.html",
                "support.handle",
                panels.queue_panel,
                5,
            )
        )
        register_banner_source(BannerSource("support_service_break", panels.banners))
        register_demo(DemoLoader("support", demo.load, 400))
