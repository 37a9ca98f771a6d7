from django.urls import path

from . import (
    views,
    views_cash_vat,
    views_collection,
    views_imports,
    views_recurring,
    views_settings,
    views_vendor,
)

app_name = "sales"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:company_pk>/", views.invoice_list, name="invoices"),
    path("<int:company_pk>/invoices/new/", views.invoice_create, name="invoice_create"),
    path("<int:company_pk>/invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("<int:company_pk>/invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("<int:company_pk>/invoices/<int:pk>/finvoice/", views.invoice_finvoice, name="finvoice"),
    path("<int:company_pk>/customers/", views.customers, name="customers"),
    path("<int:company_pk>/products/", views.products, name="products"),
    path("<int:company_pk>/receivables/", views.receivables, name="receivables"),
    path("<int:company_pk>/reminders/", views_collection.reminders, name="reminders"),
    path(
        "<int:company_pk>/reminders/<int:pk>/pdf/",
        views_collection.reminder_file,
        name="reminder_pdf",
    ),
    path(
        "<int:company_pk>/reminders/<int:pk>/email/",
        views_collection.reminder_email,
        name="reminder_email",
    ),
    path("<int:company_pk>/import/", views_imports.imports, name="imports"),
    path("<int:company_pk>/recurring/", views_recurring.agreements, name="agreements"),
    path("<int:company_pk>/services/", views_vendor.vendor_billing, name="vendor_billing"),
    path("<int:company_pk>/settings/", views_settings.sales_settings, name="settings"),
    path("<int:company_pk>/finvoice-batch/", views_settings.finvoice_batch, name="finvoice_batch"),
    path("<int:company_pk>/invoices-pdf/", views_settings.invoices_print, name="invoices_print"),
    path("<int:company_pk>/cash-vat/", views_cash_vat.unpaid, name="cash_vat_unpaid"),
    path("<int:company_pk>/collection/", views_collection.collection_list, name="collection"),
    path(
        "<int:company_pk>/invoices/<int:pk>/collection/",
        views_collection.hand_over,
        name="hand_over",
    ),
]
