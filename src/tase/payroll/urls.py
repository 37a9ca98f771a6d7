from django.urls import path

from . import views, views_corrections, views_incomes_register, views_personal_data

app_name = "payroll"
urlpatterns = [
    path("", views.index, name="index"),
    path("calculator/", views.calculator, name="calculator"),
    path("holiday-calculator/", views.holiday_calculator, name="holiday_calculator"),
    path("my/", views.my_payslips, name="my_payslips"),
    path("c/<int:company_pk>/employees/", views.employees, name="employees"),
    path("c/<int:company_pk>/employees/new/", views.employee_create, name="employee_create"),
    path("c/<int:company_pk>/tax-cards/import/", views.tax_card_import, name="tax_card_import"),
    path("c/<int:company_pk>/settings/", views.settings_edit, name="settings"),
    path("c/<int:company_pk>/wage-types/", views.wage_types, name="wage_types"),
    path("c/<int:company_pk>/runs/", views.runs, name="runs"),
    path("c/<int:company_pk>/runs/new/", views.run_create, name="run_create"),
    path("c/<int:company_pk>/summary/", views.summary, name="summary"),
    path("c/<int:company_pk>/summary.csv", views.summary_csv, name="summary_csv"),
    path(
        "c/<int:company_pk>/incomes-register/",
        views_incomes_register.reports,
        name="incomes_register",
    ),
    path(
        "c/<int:company_pk>/incomes-register/separate/",
        views_incomes_register.separate_report,
        name="incomes_register_separate",
    ),
    path(
        "incomes-register/<int:pk>/download/",
        views_incomes_register.report_download,
        name="incomes_register_download",
    ),
    path(
        "incomes-register/<int:pk>/sent/",
        views_incomes_register.report_sent,
        name="incomes_register_sent",
    ),
    path("employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path(
        "employees/<int:pk>/identity-code/",
        views.employee_identity_code,
        name="employee_identity_code",
    ),
    path(
        "employees/<int:pk>/personal-data/",
        views_personal_data.personal_data,
        name="personal_data",
    ),
    path(
        "employees/<int:pk>/personal-data.json",
        views_personal_data.personal_data_json,
        name="personal_data_json",
    ),
    path(
        "employees/<int:pk>/personal-data.pdf",
        views_personal_data.personal_data_pdf,
        name="personal_data_pdf",
    ),
    path(
        "employees/<int:pk>/personal-data/erase/",
        views_personal_data.personal_data_erase,
        name="personal_data_erase",
    ),
    path("employees/<int:pk>/employments/", views.employment_add, name="employment_add"),
    path("employees/<int:pk>/tax-cards/", views.tax_card_add, name="tax_card_add"),
    path("employments/<int:pk>/salary/", views.salary_change, name="salary_change"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/correct/", views_corrections.run_correct, name="run_correct"),
    path("employments/<int:pk>/retro-pay/", views_corrections.retro_pay_add, name="retro_pay_add"),
    path("runs/<int:pk>/grid/", views.run_grid, name="run_grid"),
    path("runs/<int:pk>/import/", views.run_import, name="run_import"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/sepa.xml", views.run_sepa, name="run_sepa"),
    path("runs/<int:pk>/<str:action>/", views.run_action, name="run_action"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("payslips/<int:pk>/", views.payslip_detail, name="payslip"),
    path("payslips/<int:pk>/pdf/", views.payslip_pdf_view, name="payslip_pdf"),
]
