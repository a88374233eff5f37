"""URL routes of the API app."""
from django.urls import path

from apps.api.views.health import health

urlpatterns = [
    path("health/", health, name="health"),
]
