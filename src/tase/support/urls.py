from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/deflect/", views.deflect, name="deflect"),
    path("requests/export.csv", views.request_export_csv, name="request_export_csv"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/reply/", views.request_reply, name="request_reply"),
    path("requests/<int:pk>/status/", views.request_status, name="request_status"),
    path("requests/<int:pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("requests/<int:pk>/rate/", views.request_rate, name="request_rate"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path(
        "requests/<int:pk>/transcript.csv",
        views.request_transcript_csv,
        name="request_transcript_csv",
    ),
    path(
        "requests/<int:pk>/transcript.pdf",
        views.request_transcript_pdf,
        name="request_transcript_pdf",
    ),
    path(
        "requests/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("queue/", views.queue, name="queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("announcements/", views.announcement_list, name="announcement_list"),
    path("announcements/new/", views.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement_detail"),
    path("announcements/<int:pk>/edit/", views.announcement_edit, name="announcement_edit"),
    path("guides/", views.guide_list, name="guide_list"),
    path("guides/new/", views.guide_create, name="guide_create"),
    path("guides/<int:pk>/", views.guide_detail, name="guide_detail"),
    path("guides/<int:pk>/edit/", views.guide_edit, name="guide_edit"),
    path("guides/<int:pk>/vote/", views.guide_vote, name="guide_vote"),
    path("guides/<int:pk>/images/", views.guide_image_upload, name="guide_image_upload"),
    path("guides/images/<int:pk>/", views.guide_image, name="guide_image"),
    path("training/", views.training_list, name="training_list"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/prices/", views.phone_prices, name="phone_prices"),
    path("statements/", views.statement_index, name="statement_index"),
    path("statements/<int:org_pk>/<int:year>/<int:month>/", views.statement, name="statement"),
    path(
        "statements/<int:org_pk>/<int:year>/<int:month>/statement.csv",
        views.statement_csv,
        name="statement_csv",
    ),
    path(
        "statements/<int:org_pk>/<int:year>/<int:month>/statement.pdf",
        views.statement_pdf,
        name="statement_pdf",
    ),
]
