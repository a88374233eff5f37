import requests
from django.conf import settings


def tell_slack(text):
    requests.post(settings.SLACK_WEBHOOK_URL, json={"text": text}, timeout=5)
