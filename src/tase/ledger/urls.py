from django.urls import path

from . import (
    views,
    views_accruals,
    views_archive,
    views_closing,
    views_earlier_books,
    views_fixed_assets,
    views_specifications,
    views_statements,
    views_tax_losses,
)

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("closing-gate/", views_closing.office, name="office_gate"),
    path("<int:company_pk>/", views.home, name="home"),
    path("<int:company_pk>/closing-gate/", views_closing.closing_gate, name="closing_gate"),
    path("<int:company_pk>/years/", views.fiscal_years, name="fiscal_years"),
    path("<int:company_pk>/accounts/", views.accounts, name="accounts"),
    path("<int:company_pk>/accounts/lookup/", views.account_lookup, name="account_lookup"),
    path("<int:company_pk>/bank-accounts/", views.bank_accounts, name="bank_accounts"),
    path("<int:company_pk>/vouchers/", views.voucher_list, name="voucher_list"),
    path("<int:company_pk>/vouchers/new/", views.voucher_create, name="voucher_create"),
    path("<int:company_pk>/vouchers/import/", views.import_vouchers, name="import"),
    path(
        "<int:company_pk>/vouchers/import/earlier-books/",
        views_earlier_books.earlier_books,
        name="earlier_books",
    ),
    path(
        "<int:company_pk>/vouchers/import/progress/<str:token>/",
        views.import_progress,
        name="import_progress",
    ),
    path("<int:company_pk>/vouchers/<int:pk>/", views.voucher_detail, name="voucher_detail"),
    path("<int:company_pk>/vouchers/<int:pk>/action/", views.voucher_action, name="voucher_action"),
    path("<int:company_pk>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:company_pk>/reports/<slug:kind>/", views.report, name="report"),
    path("<int:company_pk>/vat/settle/", views.vat_settle, name="vat_settle"),
    path(
        "<int:company_pk>/financial-statements/",
        views_statements.financial_statements,
        name="financial_statements",
    ),
    path(
        "<int:company_pk>/confirmed-losses/",
        views_tax_losses.confirmed_losses,
        name="confirmed_losses",
    ),
    path(
        "<int:company_pk>/balance-specifications/",
        views_specifications.balance_specifications_page,
        name="balance_specifications",
    ),
    path("<int:company_pk>/fixed-assets/", views_fixed_assets.fixed_assets, name="fixed_assets"),
    path("<int:company_pk>/accruals/", views_accruals.accruals, name="accruals"),
    path("<int:company_pk>/archive/", views_archive.archive_page, name="archive"),
    path(
        "<int:company_pk>/archive/<int:year_pk>/",
        views_archive.archive_download,
        name="archive_download",
    ),
    path(
        "<int:company_pk>/archive/<int:year_pk>/build/",
        views_archive.archive_build,
        name="archive_build",
    ),
    path(
        "<int:company_pk>/archive/<int:year_pk>/state/",
        views_archive.archive_state,
        name="archive_state",
    ),
]
