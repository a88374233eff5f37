from .client import client


def create_payment_intent(amount, currency="usd"):
    return client().PaymentIntent.create(amount=amount, currency=currency)
