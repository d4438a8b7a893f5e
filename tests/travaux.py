"""Run the long jobs' worker in the test process (``travaux``): one pass
over the queue, on a connection of the application's database, as the
console script does on its own."""

import transaction
from pyramid.scripting import prepare

from portail_famille.messagerie import groupe
from portail_famille.travaux.fil import fermer
from portail_famille.travaux.service import Travailleur


def travailleur(wsgi, **kw):
    """(Travailleur, closer) on a new connection of ``wsgi``'s database."""
    env = prepare(registry=wsgi.registry)
    # the connection closed too (fermer), not only the environment: run in
    # a thread, it must not be left to the database's close in another
    return Travailleur(env["request"], env["root"], tm=transaction.manager, **kw), (
        lambda: fermer(env)
    )


def une_passe(wsgi, **kw):
    """Run every job that may be claimed to its end; the chunks committed."""
    found, closer = travailleur(wsgi, **kw)
    try:
        return found.passe()
    finally:
        transaction.abort()
        closer()


def message_en_file(wsgi, objet="Message en file"):
    """A group message to every family queued (not run): its job's id."""

    def queue(root, registry):
        request = prepare(registry=registry)["request"]
        numeros = groupe.numeros(root, groupe.TOUTES, None)
        return groupe.mettre_en_file(
            request, root, numeros, objet, "Texte.", "Toutes les familles"
        ).id

    env = prepare(registry=wsgi.registry)
    try:
        ident = queue(env["root"], env["registry"])
        transaction.commit()
        return ident
    finally:
        env["closer"]()
