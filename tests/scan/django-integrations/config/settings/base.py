import environ

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
DATABASES = {"default": env.db()}
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env("REDIS_URL"),
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL")

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")

LOOPS_API_KEY = env("LOOPS_API_KEY")
SLACK_WEBHOOK_URL = env("SLACK_WEBHOOK_URL", default="")
