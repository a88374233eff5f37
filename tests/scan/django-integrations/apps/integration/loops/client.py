import requests
from django.conf import settings

BASE_URL = "https://app.loops.so/api/v1"


def send_event(email, name):
    return requests.post(
        f"{BASE_URL}/events/send",
        headers={"Authorization": f"Bearer {settings.LOOPS_API_KEY}"},
        json={"email": email, "eventName": name},
        timeout=10,
    )
