from django.urls import path

from shop.marketing.views import loops_webhook
from shop.notifications.views import twilio_status_callback
from shop.payments.views import stripe_webhook

urlpatterns = [
    path("webhooks/stripe/", stripe_webhook, name="stripe-webhook"),
    path("webhooks/twilio/status/", twilio_status_callback, name="twilio-status"),
    path("webhooks/loops/", loops_webhook, name="loops-webhook"),
]
