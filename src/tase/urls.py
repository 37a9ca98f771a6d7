from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("ledger/", include("tase.ledger.urls")),
    path("payroll/", include("tase.payroll.urls")),
    path("delivery/", include("tase.delivery.urls")),
    path("support/", include("tase.support.urls")),
    path("", include("tase.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
