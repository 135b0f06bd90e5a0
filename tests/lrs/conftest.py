"""LRS fixtures: a content provider's key (training registers provider keys as LRS credentials) and
an HTTP client that speaks xAPI 1.0.3."""

import base64
import json
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from lrs.credentials import forget_verified
from training.models import ContentProvider

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


@pytest.fixture(autouse=True)
def _no_remembered_keys():
    forget_verified()
    yield
    forget_verified()


class XapiClient:
    def __init__(self, key_id="lrs-test", secret="lrs-secret"):  # noqa: S107 - test credentials
        token = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
        self.headers = {"HTTP_AUTHORIZATION": f"Basic {token}", **VERSION}
        self.client = Client()

    def _call(self, method, path, params=None, body=None, content_type="application/json", **headers):
        url = "/xapi/" + path
        if params:
            from urllib.parse import urlencode

            url += "?" + urlencode({k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()})
        data = body if isinstance(body, bytes | str) or body is None else json.dumps(body)
        kwargs = {**self.headers, **headers}
        fn = getattr(self.client, method)
        if method in ("get", "head", "delete") and data is None:
            return fn(url, **kwargs)
        return fn(url, data=data or b"", content_type=content_type, **kwargs)

    def get(self, path, params=None, **h):
        return self._call("get", path, params, **h)

    def head(self, path, params=None, **h):
        return self._call("head", path, params, **h)

    def post(self, path, body, params=None, **h):
        return self._call("post", path, params, body, **h)

    def put(self, path, body, params=None, **h):
        return self._call("put", path, params, body, **h)

    def delete(self, path, params=None, **h):
        return self._call("delete", path, params, **h)


@pytest.fixture
def provider(db):
    return ContentProvider.objects.create(name="Authoring tool", key_id="lrs-test",
                                          key_hash=make_password("lrs-secret"))


@pytest.fixture
def xapi(provider):
    return XapiClient()


def statement(**extra):
    body = {
        "actor": {"objectType": "Agent", "name": "Learner", "mbox": "mailto:learner@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-GB": "experienced"}},
        "object": {"id": "http://example.org/activity/one"},
    }
    body.update(extra)
    return body


def new_id() -> str:
    return str(uuid.uuid4())
