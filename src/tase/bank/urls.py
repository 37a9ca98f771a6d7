from django.urls import path

from . import views

app_name = "bank"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:company_pk>/", views.statements, name="statements"),
    path("<int:company_pk>/statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("<int:company_pk>/rules/", views.rules, name="rules"),
]
