"""Personal data (RGPD): the family's own export ("Mes données"), the
retention job that erases a departed child's file, and the audit of what
staff read (health data, bank details)."""


def includeme(config):
    """Nothing to wire beyond the scan (views, subscribers)."""
