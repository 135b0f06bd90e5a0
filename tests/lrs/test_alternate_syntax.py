"""Alternate Request Syntax (Communication 1.3): POST ?method=X with headers and content in a form."""

import json
from urllib.parse import urlencode

from .conftest import new_id, statement


def form_post(xapi, method, form, query=None):
    url = f"/xapi/statements?{urlencode(query or {'method': method})}"
    headers = {"HTTP_AUTHORIZATION": xapi.headers["HTTP_AUTHORIZATION"]}
    return xapi.client.post(url, data=urlencode(form), content_type="application/x-www-form-urlencoded", **headers)


def test_put_and_get_through_the_form(xapi):
    sid = new_id()
    response = form_post(xapi, "PUT", {"statementId": sid, "content": json.dumps(statement()),
                                       "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"})
    assert response.status_code == 204, response.content
    got = form_post(xapi, "GET", {"statementId": sid, "X-Experience-API-Version": "1.0.3"})
    assert got.status_code == 200 and got.json()["id"] == sid


def test_headers_in_the_form_are_the_request_headers(xapi):
    form = {"statementId": new_id(), "content": json.dumps(statement()), "X-Experience-API-Version": "0.8"}
    assert form_post(xapi, "PUT", form).status_code == 400


def test_extra_query_parameters_or_a_non_post_are_refused(xapi):
    form = {"content": json.dumps(statement()), "X-Experience-API-Version": "1.0.3"}
    assert form_post(xapi, "PUT", form, query={"method": "PUT", "statementId": new_id()}).status_code == 400
    response = xapi.client.put("/xapi/statements?method=POST", data=urlencode(form),
                               content_type="application/x-www-form-urlencoded", **xapi.headers)
    assert response.status_code == 400
