from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views, health, notification_views, views, views_personal_data

urlpatterns = [
    path("health", health.health, name="health"),
    path("ready", health.ready, name="ready"),
    path("", views.start, name="start"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("login/verify/", account_views.login_verify, name="login_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/language/", views.set_language, name="set_language"),
    path("account/", account_views.account, name="account"),
    path("account/tokens/", account_views.token_create, name="token_create"),
    path("account/tokens/<int:pk>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("account/2fa/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("account/2fa/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("account/2fa/disable/", account_views.two_factor_disable, name="two_factor_disable"),
    path(
        "account/2fa/recovery-codes/",
        account_views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path(
        "account/notifications/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path("account/personal-data.json", views_personal_data.own_data_json, name="own_data_json"),
    path("account/personal-data.pdf", views_personal_data.own_data_pdf, name="own_data_pdf"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path(
        "organizations/<int:pk>/security/",
        views.organization_security,
        name="organization_security",
    ),
    path(
        "organizations/<int:organization_pk>/companies/new/",
        views.company_create,
        name="company_create",
    ),
    path(
        "organizations/<int:organization_pk>/users/invite/",
        views.member_invite,
        name="member_invite",
    ),
    path("memberships/<int:pk>/", views.member_edit, name="member_edit"),
    path("memberships/<int:pk>/active/", views.member_set_active, name="member_set_active"),
    path(
        "memberships/<int:pk>/two-factor/reset/",
        views.member_reset_two_factor,
        name="member_reset_two_factor",
    ),
    path(
        "memberships/<int:pk>/invitation/",
        views.member_resend_invitation,
        name="member_resend_invitation",
    ),
    path(
        "memberships/<int:pk>/personal-data/",
        views_personal_data.member_personal_data,
        name="member_personal_data",
    ),
    path(
        "memberships/<int:pk>/personal-data.json",
        views_personal_data.member_personal_data_json,
        name="member_personal_data_json",
    ),
    path(
        "memberships/<int:pk>/personal-data.pdf",
        views_personal_data.member_personal_data_pdf,
        name="member_personal_data_pdf",
    ),
    path(
        "memberships/<int:pk>/personal-data/erase/",
        views_personal_data.member_erase,
        name="member_erase",
    ),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("audit/", views.audit_list, name="audit_list"),
    path("parameters/", views.parameter_list, name="parameter_list"),
    path("parameters/enter/", views.parameter_enter, name="parameter_enter"),
    path("parameters/load/", views.parameter_load, name="parameter_load"),
]
