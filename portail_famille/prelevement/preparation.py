"""A direct-debit batch's long work, by the workers (``travaux``).

- "Confirmer la création du lot": the request checks the preview and
  numbers the batch (``lots.ouvrir``: "en préparation"), queues
  ``GENRE_LOT`` over its families and lands on the job's progress page;
  each chunk marks its families' invoices and uses their mandates
  (``lots.preparer``), committed with the job's progress; the last one
  writes the pain.008 file from what the chunks stored (``lots.achever``)
  and journals the batch as prepared.
- "Marquer comme effectué": the request queues ``GENRE_EFFECTUER`` over
  the batch's families; each chunk records their payments and freezes
  their receipts in one transaction (``lots.payer``); the last one marks
  the batch done.

A chunk and the job's cursor are committed together: a worker killed
mid-way is taken over after its lease at the first family not committed,
and nothing is done twice.
"""

from pyramid.traversal import find_root

from .. import journal
from ..i18n import _
from ..security import P
from ..travaux.service import Genre, mettre_en_file
from . import creancier, lots
from .resources import EFFECTUE
from .resources import lot as lot_de

GENRE_LOT = "prelevement-lot"
GENRE_EFFECTUER = "prelevement-effectuer"
LOT = 200  # families per chunk (preparation)
LOT_EFFECTUER = 25  # families per chunk (payments and their receipts' PDFs: ~0.35 s each)
# the journal's actions (sdi_lots names them)
LOT_PREPARE = "PrelevementLotPrepare"
LOT_EFFECTUE = "PrelevementLotEffectue"
LOT_ABANDONNE = "PrelevementLotAbandonne"


def _lot(root, travail):
    regie = root["regies"][travail.parametres["regie"]]
    return regie, lot_de(regie, travail.parametres["lot"])


def _mapping(lot, regie):
    return {"lot": lot.numero, "regie": regie.title}


def _mettre_en_file(request, regie, lot, par, genre, titre):
    """Queue the job ``genre`` on the families of ``lot``; the Travail."""
    travail = mettre_en_file(
        request,
        find_root(regie),
        genre,
        [d["famille"] for d in lot.debits],
        {"regie": regie.__name__, "lot": lot.numero, "par": par},
        request.localizer.translate(_(titre, mapping=_mapping(lot, regie))),
    )
    lot.travail = travail.id
    return travail


def mettre_en_preparation(request, regie, lot, par):
    """Queue the preparation of ``lot`` (``lots.ouvrir``'s); the Travail."""
    return _mettre_en_file(
        request, regie, lot, par, GENRE_LOT, _("Lot de prélèvement ${lot} (${regie}) : préparation")
    )


def traiter_lot(request, root, travail, numeros):
    _regie, lot = _lot(root, travail)
    for numero, raison in lots.preparer(root, lot, numeros):
        travail.noter_erreur(
            request.localizer.translate(
                _(
                    "Famille n° ${numero} : prélèvement écarté (${raison})",
                    mapping={"numero": numero, "raison": request.localizer.translate(raison)},
                )
            )
        )


def terminer_lot(request, root, travail):
    regie, lot = _lot(root, travail)
    par = travail.parametres["par"]
    raison = lots.achever(lot, creancier(request.registry.settings), par)
    if raison is not None:
        motif = request.localizer.translate(raison)
        travail.noter_erreur(motif)
        lots.abandonner(root, lot, motif, par=par)
        journal.noter(
            regie, LOT_ABANDONNE, regie, par=par, details={"lot": lot.numero, "motif": motif}
        )
        return
    journal.noter(
        regie,
        LOT_PREPARE,
        regie,
        par=par,
        details={"lot": lot.numero, "nombre": lot.nombre, "total": str(lot.total)},
    )
    travail.resultat = {"lot": lot.numero, "nombre": lot.nombre}


def mettre_en_paiement(request, regie, lot, par):
    """Queue the payments of ``lot`` (transmitted, due); the Travail."""
    return _mettre_en_file(
        request,
        regie,
        lot,
        par,
        GENRE_EFFECTUER,
        _("Lot de prélèvement ${lot} (${regie}) : règlements"),
    )


def traiter_paiements(request, root, travail, numeros):
    regie, lot = _lot(root, travail)
    recus = lots.payer(request, root, regie, lot, numeros, travail.parametres["par"])
    if recus:
        travail.resultat = dict(
            travail.resultat, reglements=travail.resultat.get("reglements", 0) + len(recus)
        )


def terminer_paiements(request, root, travail):
    regie, lot = _lot(root, travail)
    par = travail.parametres["par"]
    lot.travail = None
    manquants = [n for d in lot.debits for n, _m in d["factures"] if n not in lot.reglements]
    if manquants:  # units passed over after errors: "effectuer" again finishes it
        travail.noter_erreur(
            request.localizer.translate(
                _(
                    "Règlements non enregistrés : ${factures}. Le lot reste transmis : "
                    "marquez-le de nouveau comme effectué pour les enregistrer.",
                    mapping={"factures": ", ".join(manquants[:20])},
                )
            )
        )
        return
    lot.changer(EFFECTUE, par)
    journal.noter(
        regie,
        LOT_EFFECTUE,
        regie,
        par=par,
        details={"lot": lot.numero, "reglements": len(lot.reglements)},
    )


def unite(numero):
    return _("Famille n° ${numero}", mapping={"numero": numero})


def retour(request, travail):
    regie = find_root(request.context)["regies"][travail.parametres["regie"]]
    return request.sdiapi.mgmt_path(
        regie, "@@prelevement", _query={"lot": travail.parametres["lot"]}
    )


def _regies(root):
    return root["regies"]


GENRE_TRAVAIL_LOT = Genre(
    GENRE_LOT,
    _("Préparation d'un lot de prélèvement"),
    traiter_lot,
    P.PRELEVEMENT_LOT_GERER,
    lot=LOT,
    unite=unite,
    terminer=terminer_lot,
    retour=retour,
    lieu=_regies,
)
GENRE_TRAVAIL_EFFECTUER = Genre(
    GENRE_EFFECTUER,
    _("Règlements d'un lot de prélèvement"),
    traiter_paiements,
    P.PRELEVEMENT_LOT_GERER,
    lot=LOT_EFFECTUER,
    unite=unite,
    terminer=terminer_paiements,
    retour=retour,
    lieu=_regies,
)
