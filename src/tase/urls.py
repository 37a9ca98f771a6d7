from django.contrib import admin
from django.urls import include, path

from .api import api

handler404 = "tase.apiutil.not_found"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("ledger/", include("tase.ledger.urls")),
    path("payroll/", include("tase.payroll.urls")),
    path("sales/", include("tase.sales.urls")),
    path("purchases/", include("tase.purchases.urls")),
    path("bank/", include("tase.bank.urls")),
    path("delivery/", include("tase.delivery.urls")),
    path("support/", include("tase.support.urls")),
    path("", include("tase.core.urls")),
]
# Uploaded files are never served from MEDIA_URL: each app serves its attachments through
# a view that checks the user's access, so no file is reachable across the tenant wall.
