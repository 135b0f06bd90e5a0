import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/people/", "/api/employees/", "/api/me/", "/api/org-units/"])
def test_api_without_credentials_is_401_saying_how_to_authenticate(path):
    response = APIClient().get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
