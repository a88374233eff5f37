import sentry_sdk

from .base import *  # noqa

sentry_sdk.init(dsn=env("SENTRY_DSN"))
