# The shared browser fixtures (page, phone_page, axe, sign_in) live in tests/browser/conftest.py.
from tests.browser.conftest import axe, base_url, browser, page, phone_page  # noqa: F401
