"""Outgoing mail: queued in the transaction, sent only when it commits.

Templates live in ``templates/<name>/{subject.txt,body.txt}``.  In
development ``portail.mail_directory`` makes every mail a file there (one
``.eml`` each) instead of going to an SMTP server, still at commit time.

A commit the database refuses at its vote (a conflict: concurrent payment
returns, retried by pyramid_retry) made repoze.sendmail's data manager
raise ``TPC_InProgress`` from ``abort()``, logged by ``transaction`` with a
traceback for every retried attempt, though the mail was rightly dropped
and the retry sent it once.  ``EnvoiTransactionnel`` leaves a two-phase
commit under way to ``tpc_abort()``, which follows.  Each mail handed to
the server (or written), or refused by it, is counted for the metrics
(``Compteur``: ``portail_courriels_total``).
"""

import os
import uuid

from pyramid.renderers import render
from pyramid_mailer import get_mailer
from pyramid_mailer import mailer as pyramid_mailer
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.message import Message
from repoze.sendmail.delivery import DirectMailDelivery, MailDataManager

from ..surveillance import compter_courriel


class EnvoiTransactionnel(MailDataManager):
    """One mail in the transaction, quiet when the commit fails at its
    vote: ``transaction`` calls ``abort()`` on the managers that have not
    voted, then ``tpc_abort()`` on all."""

    def abort(self, trans):
        if self.tpc_phase == 0:
            return super().abort(trans)
        if self.onAbort:
            self.onAbort()
        return None


class Livraison(DirectMailDelivery):
    def createDataManager(self, fromaddr, toaddrs, message):
        return EnvoiTransactionnel(
            self.mailer.send,
            args=(fromaddr, toaddrs, message),
            transaction_manager=self.transaction_manager,
        )


class Mailer(pyramid_mailer.Mailer):
    """pyramid_mailer's Mailer with our transactional delivery (kept by
    ``bind()``, which makes an instance of the same class)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        manager = self.transaction_manager
        self.direct_delivery = Livraison(self.smtp_mailer, transaction_manager=manager)
        self.sendmail_delivery = Livraison(self.sendmail_mailer, transaction_manager=manager)


class DirectoryMailer:
    """The SMTP end of a Mailer, writing each message to a file."""

    def __init__(self, directory):
        self.directory = directory

    def send(self, fromaddr, toaddrs, message):
        os.makedirs(self.directory, exist_ok=True)
        name = "%s.eml" % uuid.uuid4().hex
        data = message.as_bytes() if hasattr(message, "as_bytes") else message
        with open(os.path.join(self.directory, name), "wb") as fp:
            fp.write(data)


class Compteur:
    """The SMTP end of a Mailer, counting what it sends and fails to send
    (at the commit: a mail of an aborted transaction is never counted)."""

    def __init__(self, mailer, registry):
        self.mailer = mailer
        self.registry = registry

    def __getattr__(self, name):  # hostname, port... of the SMTP mailer
        return getattr(self.mailer, name)

    def send(self, fromaddr, toaddrs, message):
        try:
            self.mailer.send(fromaddr, toaddrs, message)
        except Exception:
            compter_courriel(self.registry, envoye=False)
            raise
        compter_courriel(self.registry, envoye=True)


def _one_line(text):
    """No CR/LF in a header: user data never adds a header to a mail."""
    return " ".join(text.split())


def _render(name, part, values, request):
    text = render("portail_famille.courriels:templates/%s/%s" % (name, part), values, request)
    return text.decode("utf-8") if isinstance(text, bytes) else text


def send(request, name, recipients, **values):
    """Queue the mail ``name`` to ``recipients`` in the current transaction."""
    values.setdefault("site_name", request.registry.settings.get("portail.nom", "Portail Famille"))
    subject = _render(name, "subject.txt", values, request)
    body = _render(name, "body.txt", values, request)
    message = Message(
        subject=_one_line(subject),
        recipients=[_one_line(r) for r in recipients],
        body=body,
    )
    get_mailer(request).send(message)


def includeme(config):
    settings = config.registry.settings
    directory = settings.get("portail.mail_directory")
    if directory:
        sender = settings.get("mail.default_sender", "portail-famille@localhost")
        smtp, sendmail, queue = DirectoryMailer(directory), None, None
    else:
        base = Mailer.from_settings(settings, settings.get("pyramid_mailer.prefix", "mail."))
        smtp, sendmail, queue = base.smtp_mailer, base.sendmail_mailer, base.queue_path
        sender = base.default_sender
    mailer = Mailer(
        smtp_mailer=Compteur(smtp, config.registry),
        sendmail_mailer=sendmail,
        queue_path=queue,
        default_sender=sender,
    )
    # SubstanceD already included pyramid_mailer (request.mailer); only the
    # utility changes.
    config.registry.registerUtility(mailer, IMailer)
