"""Personal data (RGPD): the family's own export ("Mes données"), the
retention job that erases a departed child's file (and drops the journal's
and the login throttle's old records), and the SDI tab "Audit RGPD" of what
staff read (health data, bank details), kept in the site's journal
(``journal.audit``)."""


def includeme(config):
    """Nothing to wire beyond the scan (views)."""
