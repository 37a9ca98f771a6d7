"""The JSON API at /api/v1/: each app's router mounted on one NinjaAPI."""

from tase.apiutil import AUTH, TaseAPI, install_error_handlers
from tase.bank.api import router as bank_router
from tase.core.account_api import router as account_router
from tase.core.api import router as core_router
from tase.core.api_notifications import router as notifications_router
from tase.delivery.api import router as delivery_router
from tase.ledger.api import router as ledger_router
from tase.payroll.api import router as payroll_router
from tase.payroll.holidays_api import router as holidays_router
from tase.purchases.api import router as purchases_router
from tase.sales.api import router as sales_router
from tase.support.api import router as support_router
from tase.support.api_helpdesk import router as support_helpdesk_router

api = TaseAPI(
    title="Tase API",
    version="1",
    description="Bookkeeping, payroll, implementation projects and customer support for Finnish companies.",
    auth=AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("", core_router)
api.add_router("", account_router)
api.add_router("", notifications_router)
api.add_router("/ledger", ledger_router)
api.add_router("/payroll", payroll_router)
api.add_router("/payroll/holidays", holidays_router)
api.add_router("/sales", sales_router)
api.add_router("/purchases", purchases_router)
api.add_router("/bank", bank_router)
api.add_router("/delivery", delivery_router)
api.add_router("/support", support_router)
api.add_router("/support", support_helpdesk_router)
