"""The smallest WSGI application, for tests that start gunicorn with docker/gunicorn.conf.py."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]
