import stripe
from django.conf import settings


def client():
    stripe.api_key = settings.STRIPE_SECRET_KEY
    return stripe
