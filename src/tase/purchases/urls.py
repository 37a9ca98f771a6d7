from django.urls import path

from . import views, views_actions

app_name = "purchases"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:company_pk>/", views.invoice_list, name="invoices"),
    path("<int:company_pk>/invoices/new/", views.invoice_create, name="invoice_create"),
    path("<int:company_pk>/invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path(
        "<int:company_pk>/invoices/<int:pk>/cost-centre/",
        views_actions.invoice_cost_centre,
        name="invoice_cost_centre",
    ),
    path(
        "<int:company_pk>/invoices/<int:pk>/pay-first/",
        views_actions.invoice_pay_first,
        name="invoice_pay_first",
    ),
    path("<int:company_pk>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:company_pk>/suppliers/", views.suppliers, name="suppliers"),
    path("<int:company_pk>/suppliers/<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("<int:company_pk>/circulation/", views.circulation, name="circulation"),
    path(
        "<int:company_pk>/payment-file-version/",
        views_actions.payment_file_version,
        name="payment_file_version",
    ),
    path("<int:company_pk>/payments/", views.proposals, name="proposals"),
    path("<int:company_pk>/payments/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path(
        "<int:company_pk>/payments/<int:pk>/add/", views_actions.proposal_add, name="proposal_add"
    ),
    path("<int:company_pk>/payments/<int:pk>/pain001/", views.proposal_file, name="proposal_file"),
]
