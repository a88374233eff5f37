import environ

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "shop.payments",
    "shop.notifications",
    "shop.marketing",
]
ROOT_URLCONF = "config.urls"

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
LOOPS_API_KEY = env("LOOPS_API_KEY")
LOOPS_WEBHOOK_SECRET = env("LOOPS_WEBHOOK_SECRET")
