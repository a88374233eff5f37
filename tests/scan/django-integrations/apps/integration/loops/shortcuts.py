from .client import send_event


def signed_up(email):
    return send_event(email, "signup")
