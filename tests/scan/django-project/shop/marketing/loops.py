import requests
from django.conf import settings

LOOPS_API = "https://app.loops.so/api/v1"


def add_contact(email: str) -> dict:
    response = requests.post(
        f"{LOOPS_API}/contacts/create",
        json={"email": email},
        headers={"Authorization": f"Bearer {settings.LOOPS_API_KEY}"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()
