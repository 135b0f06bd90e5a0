"""Container healthcheck: GET /healthz (database and broker) on this container's gunicorn.

Sends a Host header the site accepts (the first DJANGO_ALLOWED_HOSTS entry) and says the request came
over HTTPS, as the reverse proxy would, so neither ALLOWED_HOSTS nor the HTTPS redirect gets in the way.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(  # noqa: S310 - fixed http URL on the loopback interface
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
