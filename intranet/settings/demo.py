"""`make demo`: SQLite, eager Celery, local memory cache, emails printed to the console."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'demo.sqlite3'}")}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="ZGVtby1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=")
LDAP_LDIF_PATH = env("LDAP_LDIF_PATH", default="")
