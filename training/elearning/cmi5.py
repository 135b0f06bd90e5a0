"""cmi5 launches (cmi5 specification, sections 8 and 10): the intranet is the LMS and its xAPI
endpoint (/xapi/, the lrs app) the LRS. At each launch the LMS writes LMS.LaunchData to the State
API, records a `launched` statement, and starts the AU with endpoint, fetch, registration,
activityId and actor. The fetch URL hands out the AU's auth-token once per launch (8.2.3). The AU's
statements arrive through /xapi/; lrs.signals.statements_stored brings them back here, where a
`completed` / `passed` that satisfies moveOn finishes the attempt, completes the course (and the
assignment) and ends the registration: its launch tokens are revoked."""

import json
import logging
import uuid
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone

from lrs.services import (
    Principal,
    document_identity,
    document_save,
    launch_token_issue,
    statements_store,
)

from ..models import ElearningAttempt, ElearningPackage
from ..services.elearning import attempt_cmi5_report

log = logging.getLogger(__name__)
PLAYER_KEY = "training.player"
VERB = "http://adlnet.gov/expapi/verbs/"
SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MOVEON_EXT = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
CMI5_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}


def player_principal() -> Principal:
    authority = {"objectType": "Agent", "name": "Intranet e-learning player",
                 "account": {"homePage": settings.LRS_AUTHORITY_HOMEPAGE, "name": "intranet-player"}}
    return Principal(key=PLAYER_KEY, name="Intranet e-learning player", authority=authority)


def learner_actor(attempt: ElearningAttempt) -> dict:
    return {"objectType": "Agent", "name": attempt.employee.display_name,
            "account": {"homePage": settings.LRS_AUTHORITY_HOMEPAGE, "name": attempt.employee.user.get_username()}}


def _statement(attempt: ElearningAttempt, verb: str, session: str, extensions: dict | None = None) -> dict:
    return {"id": str(uuid.uuid4()), "actor": learner_actor(attempt),
            "verb": {"id": VERB + verb, "display": {"en-GB": verb}},
            "object": {"id": attempt.package.activity_iri, "objectType": "Activity"},
            "context": {"registration": str(attempt.registration),
                        "contextActivities": {"category": [CMI5_CATEGORY]},
                        "extensions": {SESSION_EXT: session, **(extensions or {})}},
            "timestamp": timezone.now().isoformat()}


def launch_prepare(request, *, attempt: ElearningAttempt, key: str) -> str:
    """LMS.LaunchData and the `launched` statement for this session; returns the AU's query string."""
    package, actor = attempt.package, learner_actor(attempt)
    data = {"contextTemplate": {"extensions": {SESSION_EXT: key}},
            "launchMode": "Normal", "moveOn": package.move_on or "NotApplicable",
            "returnURL": request.build_absolute_uri(reverse("training:course", args=[attempt.course.code]))}
    if package.mastery_score is not None:
        data["masteryScore"] = float(package.mastery_score)
    with transaction.atomic():
        # in the player's document space, where its launch tokens (acting for it) read
        document_save(identity=document_identity(client_key=player_principal().key, kind="state",
                                                 activity_iri=package.activity_iri, agent=actor,
                                                 registration=str(attempt.registration), doc_id="LMS.LaunchData"),
                      content=json.dumps(data).encode(), content_type="application/json", merge=False)
        statements_store(principal=player_principal(), batch=True, statements=[_statement(
            attempt, "launched", key, {"https://w3id.org/xapi/cmi5/context/extensions/launchmode": "Normal",
                                       MOVEON_EXT: data["moveOn"]})])
    return urlencode({
        "endpoint": request.build_absolute_uri("/xapi/"),
        "fetch": request.build_absolute_uri(reverse("training:elearning_cmi5_fetch", args=[attempt.pk, key])),
        "registration": str(attempt.registration), "activityId": package.activity_iri,
        "actor": json.dumps(actor, separators=(",", ":")),
    })


def fetch(request, *, pk: int, key: str):
    """cmi5 8.2.3: one auth-token per launch; a second request gets error-code 1 (as 200 JSON)."""
    attempt = (ElearningAttempt.objects.select_related("package", "employee__user")
               .filter(pk=pk, employee__user=request.user, commit_key=key, finished_at__isnull=True).first())
    if attempt is None or attempt.package.standard != ElearningPackage.Standard.CMI5:
        return JsonResponse({"error-code": "3", "error-text": "This launch is not valid (it ended or was replaced)."})
    if not cache.add(f"training.cmi5-fetch:{key}", 1, timeout=12 * 3600):
        return JsonResponse({"error-code": "1", "error-text": "The fetch URL was already used for this launch."})
    token = launch_token_issue(issuer=player_principal(), actor=learner_actor(attempt),
                               registration=str(attempt.registration), activity_iri=attempt.package.activity_iri)
    return JsonResponse({"auth-token": token})


def statements_to_attempts(sender, *, statements, principal, **kwargs):
    """Receiver of lrs.signals.statements_stored for the player's launch tokens (after commit): what
    the AU reported about its activity in its registration, handed to services.elearning."""
    if principal.key != PLAYER_KEY or not principal.registration:
        return
    verbs, scores = set(), {}
    for st in statements:
        if not isinstance(st.get("object"), dict) or not st["object"].get("id"):
            continue
        activity = st["object"]["id"]
        verbs.add((activity, st["verb"]["id"].removeprefix(VERB)))
        score = (st.get("result") or {}).get("score") or {}
        scaled, raw = scores.get(activity, (None, None))
        if isinstance(score.get("scaled"), int | float):
            scaled = Decimal(str(score["scaled"])).quantize(Decimal("0.0001"))
        if isinstance(score.get("raw"), int | float):
            raw = Decimal(str(score["raw"]))
        scores[activity] = (scaled, raw)
    attempt_cmi5_report(registration=principal.registration, verbs=verbs, scores=scores)
