"""The project's settings with a fast password hasher, for app servers the tests start as processes
of their own: dozens of sign-ins must take milliseconds, not a second of hashing each."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
