from django.urls import path

from shop import views

urlpatterns = [
    path("", views.home, name="home"),
    path("webhooks/stripe/", views.stripe_webhook, name="stripe-webhook"),
    path("webhooks/partner/", views.partner_webhook, name="partner-webhook"),
]
