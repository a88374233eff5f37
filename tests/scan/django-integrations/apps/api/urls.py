from django.urls import path

from apps.integration.stripe.webhooks import stripe_webhook

urlpatterns = [
    path("webhooks/stripe/", stripe_webhook),
]
