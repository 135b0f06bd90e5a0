from django.urls import path

from . import views

app_name = "self_service_api"
urlpatterns = [
    path("types/", views.RequestTypeListApi.as_view(), name="types"),
    path("requests/", views.RequestListCreateApi.as_view(), name="requests"),
    path("requests/<id:pk>/", views.RequestDetailApi.as_view(), name="request"),
    path("requests/<id:pk>/comments/", views.RequestCommentApi.as_view(), name="request-comments"),
    path("requests/<id:pk>/<slug:action>/", views.RequestTransitionApi.as_view(), name="request-transition"),
    path("queues/approvals/", views.ApprovalQueueApi.as_view(), name="approval-queue"),
    path("queues/approvals/bulk-approve/", views.BulkApproveApi.as_view(), name="bulk-approve"),
    path("queues/processing/", views.ProcessingQueueApi.as_view(), name="processing-queue"),
    path("bank-details/", views.BankDetailsApi.as_view(), name="bank-details"),
    path("payslips/", views.PayslipListApi.as_view(), name="payslips"),
    path("payslips/<id:pk>/pdf/", views.PayslipPdfApi.as_view(), name="payslip-pdf"),
    path("leave-balance/", views.LeaveBalanceApi.as_view(), name="leave-balance"),
]
