"""Project settings: the base settings, then one block per third-party service."""
from settings.base import *  # noqa: F401,F403
from settings.third_party import *  # noqa: F401,F403
