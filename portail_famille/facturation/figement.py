"""Freezing the documents a request issues: a payment (its receipt), a
credit note, a cancellation or a refund recorded by a régisseur or paid
online, and the credit notes of regularisations issued deep inside
another domain's work (an agent accepting an absence, closing a day,
correcting a pointage: ``regularisation``).

``a_figer`` makes the document's HTML at once (the data as issued) and
keeps it on the request; the tween below, outside pyramid_tm, renders and
keeps the PDFs after the request's transaction has committed, in a
transaction of its own: the rendering (a third of a second or more) never
holds the régie's sequence, and nothing after the commit can make the
request be retried, so a document is never issued twice.  (An invoicing
run freezes its invoices chunk by chunk itself: ``travail``, ``campagne``.)
A request whose transaction aborts (an error, a conflict that
pyramid_retry runs again) freezes nothing: its documents were never
issued.  Outside a web request (scripts, the demo, evolve
steps) nothing is prepared: the document is frozen by the batch job
``portail-famille-figer`` (``figer_tout``), or at its first download
before that job has run.
"""

from pyramid.threadlocal import get_current_request

from . import pdf

ATTRIBUT = "portail_documents_a_figer"
ACTIF = "portail.figement"  # environ: the request goes through the tween


class _AFiger:
    def __init__(self):
        self.prepares = []
        self.commis = False

    def apres_commit(self, status):
        self.commis = self.commis or bool(status)


def a_figer(document, request=None):
    """Freeze ``document`` (just issued) once the request's transaction
    commits; nothing outside a web request."""
    request = request if request is not None else get_current_request()
    if request is None or not request.environ.get(ACTIF):
        return False
    found = getattr(request, ATTRIBUT, None)
    if found is None:
        found = _AFiger()
        setattr(request, ATTRIBUT, found)
        request.tm.get().addAfterCommitHook(found.apres_commit)
    found.prepares.extend(pdf.preparer(request, [document]))
    return True


def figer_factory(handler, registry):
    """After pyramid_tm: the PDFs of the documents the committed request
    issued (``a_figer``)."""

    def figer_tween(request):
        request.environ[ACTIF] = True
        response = handler(request)
        found = getattr(request, ATTRIBUT, None)
        if found is not None and found.commis and found.prepares:
            pdf.figer(request, found.prepares, request.tm)
        return response

    return figer_tween


def includeme(config):
    config.add_tween(
        "portail_famille.facturation.figement.figer_factory",
        over="pyramid_tm.tm_tween_factory",
    )
