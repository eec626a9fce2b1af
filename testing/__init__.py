"""What the test suite shares: its fixtures (registered by the root conftest.py as pytest plugins) and
its helpers, imported by the test modules from here, never from one another.

- ``seed``: the seed programme and the demo accounts every test starts from.
- ``fixtures``: the suite's set-up and the fixtures of every app's tests (people, clients, media).
- ``scenarios``: known reported statuses on known days (``reported``, ``q3``) and a larger programme.
- ``browser``: Chromium through Playwright, and the checks every page a journey visits goes through.
- ``workflow``, ``files``, ``clients``, ``workers``, ``exports``, ``workbook``, ``admin_import``,
  ``servers``, ``catalogues``: helpers, each named by what it helps with.
"""
