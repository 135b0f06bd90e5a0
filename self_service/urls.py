from django.urls import path

from . import pay_period_views, views

app_name = "self_service"
urlpatterns = [
    path("", views.my_requests, name="my_requests"),
    path("new/", views.choose_type, name="choose_type"),
    path("new/bank-details/", views.bank_details_new, name="bank_details_new"),
    path("new/<slug:code>/", views.new_request, name="new_request"),
    path("requests/<id:pk>/", views.detail, name="detail"),
    path("requests/<id:pk>/edit/", views.edit, name="edit"),
    path("requests/<id:pk>/action/<slug:action>/", views.transition, name="transition"),
    path("requests/<id:pk>/comment/", views.comment, name="comment"),
    path("requests/<id:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("requests/<id:pk>/rate/", views.rate, name="rate"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("approvals/", views.approvals, name="approvals"),
    path("processing/", views.processing, name="processing"),
    path("acting-manager/", views.delegations, name="delegations"),
    path("acting-manager/<id:pk>/end/", views.delegation_end, name="delegation_end"),
    path("payslips/", views.payslips, name="payslips"),
    path("payslips/<id:pk>/pdf/", views.payslip_download, name="payslip_pdf"),
    path("payroll/import/", views.payroll_import, name="payroll_import"),
    path("payroll/export/", views.payroll_export, name="payroll_export"),
    path("payroll/exports/<id:pk>/", views.payroll_export_download, name="payroll_export_download"),
    path("payroll/periods/", pay_period_views.pay_periods, name="pay_periods"),
    path("payroll/periods/new/", pay_period_views.pay_period_edit, name="pay_period_add"),
    path("payroll/periods/<id:pk>/", pay_period_views.pay_period_edit, name="pay_period_edit"),
    path("payroll/periods/<id:pk>/close/", pay_period_views.pay_period_close, name="pay_period_close"),
    path("request-types/", views.request_types, name="request_types"),
    path("request-types/add/", views.request_type_edit, name="request_type_add"),
    path("request-types/<slug:code>/", views.request_type_edit, name="request_type_edit"),
    path("working-patterns/", views.working_patterns, name="working_patterns"),
    path("history/", views.my_history, name="my_history"),
    path("audit/", views.audit, name="audit"),
]
