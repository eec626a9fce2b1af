"""A year of believable, made-up activity for the seed programme, so that a new installation shows
what the tracker is for (``manage.py setup_demo``, through ``manage.py demo_activity``).

``plan`` decides what happens on which day, without the database; ``writer`` writes it through the
services; ``texts`` and ``files`` hold what people write and attach.
"""

from .writer import DemoActivityRefused, DemoSummary, demo_activity_refusal, demo_activity_write

__all__ = ["DemoActivityRefused", "DemoSummary", "demo_activity_refusal", "demo_activity_write"]
