from django.conf import settings
from twilio.rest import Client


def send_sms(to: str, body: str) -> str:
    client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    message = client.messages.create(to=to, from_=settings.TWILIO_FROM_NUMBER, body=body)
    return message.sid
