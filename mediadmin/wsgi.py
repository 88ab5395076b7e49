"""WSGI entry point (gunicorn mediadmin.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediadmin.settings")
application = get_wsgi_application()
