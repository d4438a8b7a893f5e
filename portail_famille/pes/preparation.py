"""A PES file's long work, by the workers (``travaux``).

"Confirmer l'envoi au Trésor public": the request checks the preview,
takes the bordereau's number and keeps the file "en préparation"
(``service.ouvrir``), queues ``GENRE_PES`` over its invoices and lands on
the job's progress page; each chunk numbers its pieces, marks its
invoices sent, uses their mandates and journals each titre
(``service.preparer``), committed with the job's progress; the last one
writes and checks the file (``service.achever``).  A worker killed
mid-way is taken over after its lease at the first invoice not
committed: no piece numbered, no invoice marked, no entry made twice.
"""

from pyramid.traversal import find_root

from ..i18n import _
from ..montants import euros
from ..security import P
from ..travaux.service import Genre, mettre_en_file
from . import resources, service

GENRE_PES = "pes-fichier"
LOT = 100  # invoices per chunk


def _fichier(root, travail):
    regie = root["regies"][travail.parametres["regie"]]
    return regie, resources.fichiers_de(regie)[travail.parametres["fichier"]]


def mettre_en_file_fichier(request, regie, fichier, valeurs, retenues, par):
    """Queue the preparation of ``fichier`` (``service.ouvrir``'s)."""
    travail = mettre_en_file(
        request,
        find_root(regie),
        GENRE_PES,
        service.unites(retenues),
        {"regie": regie.__name__, "fichier": fichier.numero, "valeurs": valeurs, "par": par},
        request.localizer.translate(
            _(
                "Fichier PES ${numero} (${regie}) : ${nombre} titre(s), ${total}",
                mapping={
                    "numero": fichier.numero,
                    "regie": regie.title,
                    "nombre": len(retenues),
                    "total": euros(fichier.total),
                },
            )
        ),
    )
    fichier.travail = travail.id
    return travail


def traiter(request, root, travail, unites):
    regie, fichier = _fichier(root, travail)
    p = travail.parametres
    translate = request.localizer.translate
    for numero, raison in service.preparer(root, regie, fichier, p["valeurs"], unites, p["par"]):
        travail.noter_erreur(
            translate(
                _(
                    "Facture ${numero} non transmise : ${raison}",
                    mapping={"numero": numero, "raison": translate(raison)},
                )
            )
        )


def terminer(request, root, travail):
    regie, fichier = _fichier(root, travail)
    p = travail.parametres
    erreurs = service.achever(regie, fichier, p["valeurs"], p["par"])
    translate = request.localizer.translate
    if erreurs:
        fichier.erreurs = tuple(translate(e) for e in erreurs[:50])
        travail.noter_erreur(
            translate(_("Le fichier n'a pas passé le contrôle de structure : rien n'a été envoyé."))
        )
        for erreur in erreurs[:20]:
            travail.noter_erreur(translate(erreur))
        return
    travail.resultat = {"fichier": fichier.numero, "nombre": fichier.nombre}


def unite(valeur):
    return _("Facture ${numero}", mapping={"numero": valeur[2]})


def retour(request, travail):
    regie = find_root(request.context)["regies"][travail.parametres["regie"]]
    return request.sdiapi.mgmt_path(regie, "@@tresor")


def _regies(root):
    return root["regies"]


GENRE_TRAVAIL = Genre(
    GENRE_PES,
    _("Fichier PES pour le Trésor public"),
    traiter,
    P.PES_GERER,
    lot=LOT,
    unite=unite,
    terminer=terminer,
    retour=retour,
    lieu=_regies,
)
