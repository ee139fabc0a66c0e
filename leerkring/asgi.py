import os

from django.core.asgi import get_asgi_application

from leerkring.core.startup import settle_after_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerkring.settings")
application = get_asgi_application()
# Once loaded, before the first request: see `core.startup` (the collector and a long-lived heap).
settle_after_start()
