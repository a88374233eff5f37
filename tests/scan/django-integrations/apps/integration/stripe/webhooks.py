import stripe
from django.conf import settings
from django.http import HttpResponse


def stripe_webhook(request):
    event = stripe.Webhook.construct_event(
        request.body, request.headers["Stripe-Signature"], settings.STRIPE_WEBHOOK_SECRET
    )
    return HttpResponse(status=200)
