"""The self-service API: the same selectors (scoping) and services (rules) as the pages. Another
person's request id is a 404; a transition not allowed from the current status is a 409."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from people.models import AuditEntry, Employee
from people.selectors import my_employee

from .. import actions, payslip_pdf, selectors, services
from ..models import RequestType
from .serializers import (
    BankDetailsSerializer,
    BulkApproveResultSerializer,
    BulkApproveSerializer,
    CommentSerializer,
    DecisionSerializer,
    LeaveBalanceSerializer,
    PayslipSerializer,
    RequestCreateSerializer,
    RequestOutputSerializer,
    RequestTypeSerializer,
    RequestUpdateSerializer,
)

API = AuditEntry.Channel.API
TAGS = ["self-service"]


@extend_schema(tags=TAGS)
class RequestTypeListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RequestTypeSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.request_types_available()


@extend_schema(tags=TAGS)
class RequestListCreateApi(generics.ListCreateAPIView):
    """GET: requests you may see (?mine=1 for only your own). POST: a new request (a draft unless
    `submit`); HR and digital champions may give `employee` with channel assisted or paper."""

    permission_classes = [IsAuthenticated]
    serializer_class = RequestOutputSerializer

    def get_queryset(self):
        if self.request.query_params.get("mine"):
            return selectors.my_requests(self.request.user)
        return selectors.requests_visible_to(self.request.user)

    @extend_schema(request=RequestCreateSerializer, responses={201: RequestOutputSerializer})
    def post(self, request, *args, **kwargs):
        s = RequestCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        employee = my_employee(request.user, missing=Http404)
        if v.get("employee") and v["employee"] != employee.pk:
            employee = get_object_or_404(Employee, pk=v["employee"], is_active=True)
        req = services.request_create(actor=request.user, request_type=v["type"], employee=employee, data=v["data"],
                                      channel=v["channel"], submit=v["submit"])
        return Response(RequestOutputSerializer(req).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class RequestDetailApi(generics.RetrieveAPIView):
    """GET a request you may see; PATCH its data while it is your draft or returned to you."""

    permission_classes = [IsAuthenticated]
    serializer_class = RequestOutputSerializer

    def get_queryset(self):
        return selectors.requests_visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        req = self.get_object()
        if req.type.kind == RequestType.Kind.BANK_DETAILS:  # what is shown is masked; the look is audited
            services.bank_details_view_record(actor=request.user, request=req, channel=API)
        return Response(self.get_serializer(req).data)

    @extend_schema(request=RequestUpdateSerializer, responses=RequestOutputSerializer)
    def patch(self, request, pk):
        req = self.get_object()
        s = RequestUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        req = services.request_update(actor=request.user, request=req, data=s.validated_data["data"], channel=API)
        return Response(RequestOutputSerializer(req).data)


@extend_schema(tags=TAGS)
class RequestTransitionApi(APIView):
    """POST /requests/{id}/{action}/ with action submit, approve, reject, return, withdraw, process or
    verify (second payroll check of bank details: give the re-keyed `sort_code` and `account_number`;
    a mismatch is a 400 and keeps the change held). reject and return need a comment."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="self_service_request_transition", request=DecisionSerializer,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(actions.TRANSITIONS),
                                     description="An unknown action is a 404")],
        responses={
            200: RequestOutputSerializer, 403: OpenApiResponse(description="Not yours to decide"),
            404: OpenApiResponse(description="Not found or not visible to you"),
            409: OpenApiResponse(description="Not allowed from the request's current status")})
    def post(self, request, pk, action):
        if action not in actions.TRANSITIONS:
            return Response({"detail": f"Unknown action “{action}”."}, status=status.HTTP_404_NOT_FOUND)
        req = get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)
        s = DecisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        v = s.validated_data
        req = services.request_action_run(action=action, actor=request.user, request=req, comment=v["comment"],
                                          channel=API, rekeyed={f: v[f] for f in ("sort_code", "account_number")})
        req.refresh_from_db()
        return Response(RequestOutputSerializer(req).data)


@extend_schema(tags=TAGS, request=CommentSerializer, responses={201: None})
class RequestCommentApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        req = get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)
        s = CommentSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        c = services.comment_add(actor=request.user, request=req, body=s.validated_data["body"], channel=API)
        return Response({"id": c.pk, "body": c.body}, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class ApprovalQueueApi(generics.ListAPIView):
    """Requests waiting for your decision (as line manager, head of service, acting manager or role)."""

    permission_classes = [IsAuthenticated]
    serializer_class = RequestOutputSerializer

    def get_queryset(self):
        p = self.request.query_params
        return selectors.approval_queue(self.request.user, type_code=p.get("type", ""),
                                        employee_query=p.get("q", ""), overdue_only=bool(p.get("overdue")))


@extend_schema(tags=TAGS, request=BulkApproveSerializer, responses=BulkApproveResultSerializer)
class BulkApproveApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        s = BulkApproveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        done, failed = services.requests_bulk_approve(actor=request.user, request_ids=s.validated_data["ids"],
                                                      channel=API)
        return Response({"approved": [r.pk for r in done], "failed": {str(k): v for k, v in failed.items()}})


@extend_schema(tags=TAGS)
class ProcessingQueueApi(generics.ListAPIView):
    """Approved requests for your processing team (HR or Payroll); empty for everyone else."""

    permission_classes = [IsAuthenticated]
    serializer_class = RequestOutputSerializer

    def get_queryset(self):
        return selectors.processing_queue(self.request.user, type_code=self.request.query_params.get("type", ""))


@extend_schema(tags=TAGS, request=BankDetailsSerializer, responses={201: RequestOutputSerializer})
class BankDetailsApi(APIView):
    """Change your own bank details: needs the password you sign in with again (checked against the
    directory for staff who sign in with it); the response shows them masked."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        s = BankDetailsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        me = my_employee(request.user, missing=Http404)
        # Signed in with a session: the backend that signed them in; with a token, any configured one.
        backend = request.session.get(BACKEND_SESSION_KEY) if request.auth is None else None
        req = services.bank_details_request_submit(actor=request.user, employee=me, channel="online",
                                                   auth_backend=backend, **s.validated_data)
        return Response(RequestOutputSerializer(req).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class PayslipListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = PayslipSerializer

    def get_queryset(self):
        return selectors.my_payslips(self.request.user)


@extend_schema(tags=TAGS, responses={(200, "application/pdf"): OpenApiResponse(description="The payslip PDF")})
class PayslipPdfApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        slip = get_object_or_404(selectors.my_payslips(request.user).select_related("employee"), pk=pk)
        resp = HttpResponse(payslip_pdf.payslip_pdf(slip), content_type="application/pdf")
        resp["Content-Disposition"] = f'attachment; filename="payslip-{slip.period.code}.pdf"'
        return resp


@extend_schema(tags=TAGS, responses=LeaveBalanceSerializer)
class LeaveBalanceApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        me = my_employee(request.user, missing=Http404)
        raw = request.query_params.get("year") or str(timezone.localdate().year)
        if not (raw.isascii() and raw.isdigit()) or not 1900 <= int(raw) <= 2999:
            raise ValidationError({"year": [f"Give the year as four digits, e.g. {timezone.localdate().year}."]})
        year = int(raw)
        bal = selectors.leave_balance(me, year)
        return Response({k: str(v) if k != "year" else v for k, v in bal.items()})
