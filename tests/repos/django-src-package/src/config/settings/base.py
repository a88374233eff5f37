"""Settings shared by every environment; cookiecutter-style, read through django-environ."""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env(DJANGO_DEBUG=(bool, False))
environ.Env.read_env(BASE_DIR.parent / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-test-key")
DEBUG = env("DJANGO_DEBUG")
ALLOWED_HOSTS = ["testserver", "localhost"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "shop",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "config.urls"
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///:memory:")}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
