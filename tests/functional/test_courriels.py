"""Mail joins the transaction: sent once when the transaction commits, and
dropped without any error logged when the database refuses the commit (a
conflict, which pyramid_retry retries)."""

import logging

import pytest
import transaction
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.message import Message
from ZODB.POSException import ConflictError

from portail_famille import courriels, main

from ..conftest import mails, settings_for


def _recu(tm, registry):
    mailer = registry.getUtility(IMailer).bind(transaction_manager=tm)
    mailer.send(Message(subject="Reçu", recipients=["recu@example.org"], body="Merci."))


def test_a_commit_refused_for_a_conflict_drops_its_mail_quietly(app, caplog):
    registry = app.app.registry
    db = registry._zodb_databases[""]
    premier, second = transaction.TransactionManager(), transaction.TransactionManager()
    c1, c2 = db.open(transaction_manager=premier), db.open(transaction_manager=second)
    avant = len(mails(app))
    try:
        with caplog.at_level(logging.INFO):
            # Two requests change the same object; the second one mails.
            c1.root()["essai"] = 1
            c2.root()["essai"] = 2
            _recu(second, registry)
            premier.commit()
            with pytest.raises(ConflictError):
                second.commit()
            second.abort()
            assert len(mails(app)) == avant
            # Its retry commits: the mail goes, once.
            c2.root()["essai"] = 3
            _recu(second, registry)
            second.commit()
    finally:
        c1.close()
        c2.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len(mails(app)) == avant + 1


def test_smtp_mail_goes_through_the_same_delivery(tmp_path):
    """Without a mail directory (production) the SMTP mailer of the
    ``mail.*`` settings is ours too."""
    settings = settings_for(tmp_path, **{"mail.host": "smtp.mairie.example", "mail.port": "2525"})
    del settings["portail.mail_directory"]
    registry = main({}, **settings).registry
    for db in registry._zodb_databases.values():
        db.close()
    mailer = registry.getUtility(IMailer)
    assert isinstance(mailer, courriels.Mailer)
    assert (mailer.smtp_mailer.hostname, mailer.smtp_mailer.port) == ("smtp.mairie.example", 2525)
    assert isinstance(
        mailer.bind(transaction_manager=transaction.TransactionManager()), courriels.Mailer
    )
    assert isinstance(mailer.direct_delivery, courriels.Livraison)
