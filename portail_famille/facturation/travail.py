"""The invoicing run of a régie by the workers (``travaux``, issue 22): the
régisseur's "Confirmer la facturation" records the run (a Campagne, "en
cours") and queues a job whose units are the families to bill
(``lancer``), then lands on the job's progress page; the workers issue
the invoices chunk by chunk (``traiter``).

Each chunk is one transaction: its families' invoices and credit notes,
their numbers (taken from the régie's sequence in that transaction), their
PDFs rendered and sealed (``originaux``: rendered here, in the worker,
between issuing and committing), the run's record and the job's progress
commit together or not at all.  A chunk that conflicts (a payment took a
number of the régie meanwhile) or whose worker is killed is done again
from scratch, from the database as it is then: its numbers are taken
again, so they stay gapless, and a family of a committed chunk is never
billed again (its days are marked billed, and the cursor is past it).  A
chunk holds the régie's sequence while it renders its PDFs: hence small
chunks (``LOT`` families, a few seconds), so that a payment recorded
meanwhile rarely makes it render again.

When the renderer fails, the chunk's documents stay issued, their HTML as
issued kept (``originaux.garder_html``), and are listed on the run
(``Campagne.a_figer``): each later chunk tries them again first, and the
job's log says which remain at its end (frozen then by
``portail-famille-figer`` or at their first download).

A second job, ``figer`` (the batch of PDFs): the issued documents without
original of every family frozen by the workers (``figer_tout``), queued
from the Régies' tab "Documents figés" (``sdi.regies``).
"""

from pyramid.traversal import find_root
from substanced.util import get_oid

from ..i18n import _
from ..montants import euros
from ..security import P
from ..travaux.service import Genre, file_de, mettre_en_file
from ..util import objet
from . import campagne, figer_tout, originaux, pdf
from .resources import Avoir, Facture

GENRE = "facturation"
LOT = 20  # families per chunk: their PDFs are rendered in the chunk
EN_FILE = "campagne_en_file"  # on the Régie: the key of its run queued last

GENRE_FIGER = "figer-pdf"
LOT_FIGER = 100  # families per chunk of the batch of PDFs


def lot(registry):
    """Families per chunk: ``portail.facturation_lot``, else LOT."""
    valeur = (registry.settings or {}).get("portail.facturation_lot")
    return int(valeur) if valeur else LOT


def en_cours(root, regie):
    """The régie's run queued and not finished yet (its job waits or runs),
    or None: one run at a time per régie."""
    run = campagne.campagne_de(regie, getattr(regie, EN_FILE, None))
    if run is None or run.terminee or run.travail is None:
        return None
    file = file_de(root)
    job = file.get(run.travail) if file is not None else None
    if job is None or job.fini:
        return None
    return run


class DejaEnCours(campagne.service.FacturationError):
    """A run of the régie is queued or under way (``run``: its Campagne)."""

    def __init__(self, run):
        super().__init__(run)
        self.run = run


def lancer(request, root, regie, debut, fin, date, echeance, par):
    """Record the run and queue its job, in the request's transaction
    (nothing queued nor recorded if it aborts); (the Travail, the
    Campagne).  Raises PeriodeInvalide, FacturationError (a prestation
    without tariff) or DejaEnCours.  Two régisseurs confirming at once
    both write the régie (``EN_FILE``): one is retried, and refused."""
    found = en_cours(root, regie)
    if found is not None:
        raise DejaEnCours(found)
    plan = campagne.Plan(root, regie, debut, fin)
    campagne.verifier_plan(plan)
    run = campagne.commencer(regie, debut, fin, date, par, echeance)
    setattr(regie, EN_FILE, run.cle)
    translate = request.localizer.translate
    titre = translate(
        _(
            "Facturation ${regie} du ${debut} au ${fin}",
            mapping={
                "regie": regie.title,
                "debut": debut.strftime("%d/%m/%Y"),
                "fin": fin.strftime("%d/%m/%Y"),
            },
        )
    )
    parametres = {
        "regie": get_oid(regie),
        "campagne": run.cle,
        "debut": debut,
        "fin": fin,
    }
    job = mettre_en_file(
        request, root, GENRE, plan.unites(), parametres, titre, lot=lot(request.registry)
    )
    run.travail = job.id
    return job, run


def _regie_et_campagne(root, travail):
    p = travail.parametres
    regie = objet(root, p["regie"])
    run = campagne.campagne_de(regie, p["campagne"]) if regie is not None else None
    if run is None:
        raise LookupError("the run of job %s is gone" % travail.id)
    return regie, run


def _restants(root, run):
    """The documents of ``run`` issued without their PDF (the renderer
    failed), still without it."""
    found = []
    familles = root["familles"]
    for numero_famille, numero in run.a_figer:
        famille = familles.get(numero_famille)
        document = famille["factures"].get(numero) if famille is not None else None
        if isinstance(document, (Facture, Avoir)) and originaux.original(document) is None:
            found.append(document)
    return found


def figer(request, root, run, documents):
    """Render and seal the PDFs of ``documents`` and of the run's documents
    still without (``a_figer``), in the caller's transaction; the ones the
    renderer could not make keep their HTML and stay listed."""
    prepares = pdf.preparer(request, _restants(root, run) + list(documents))
    pdf.figer(request, prepares)  # no transaction manager: the chunk's
    sans = tuple(
        (d.famille.__name__, d.numero) for d, _h, _n in prepares if originaux.original(d) is None
    )
    if sans != run.a_figer:
        run.a_figer = sans


def traiter(request, root, travail, unites):
    """Issue the invoices and credit notes of one chunk's families and
    freeze them (the worker's transaction)."""
    regie, run = _regie_et_campagne(root, travail)
    p = travail.parametres
    plan = campagne.Plan(root, regie, p["debut"], p["fin"], familles=False)
    documents = campagne.emettre(plan, run, plan.familles_de(root, unites), request.registry)
    figer(request, root, run, documents)
    travail.resultat = {
        "factures": run.factures,
        "avoirs": run.avoirs,
        "premier": run.premier,
        "dernier": run.dernier,
    }


def terminer(request, root, travail):
    """The last chunk's transaction: the run is over."""
    regie, run = _regie_et_campagne(root, travail)
    run.terminee = True
    if getattr(regie, EN_FILE, None) == run.cle:
        setattr(regie, EN_FILE, None)
    if run.a_figer:
        travail.noter_erreur(
            request.localizer.translate(
                _(
                    "${nombre} document(s) émis sans leur PDF (le générateur de PDF a "
                    "échoué) : ${numeros}. Ils seront figés par portail-famille-figer ou "
                    "à leur premier téléchargement.",
                    mapping={
                        "nombre": len(run.a_figer),
                        "numeros": ", ".join(n for _f, n in run.a_figer),
                    },
                )
            )
        )


def bilan(request, travail):
    """What the finished run issued (the words of the former inline run)."""
    try:
        _regie, run = _regie_et_campagne(find_root(request.context), travail)
    except LookupError:
        return None
    translate = request.localizer.translate
    if run.factures:
        texte = translate(
            _(
                "Facturation validée : ${nombre} facture(s), du n° ${premier} au n° "
                "${dernier}, total ${total}.",
                mapping={
                    "nombre": run.factures,
                    "premier": run.premier,
                    "dernier": run.dernier,
                    "total": euros(run.total),
                },
            )
        )
    else:
        texte = translate(_("Rien à facturer sur cette période : aucune facture émise."))
    if run.avoirs:
        texte += " " + translate(
            _(
                "${nombre} avoir(s) de régularisation émis, total ${total}.",
                mapping={"nombre": run.avoirs, "total": euros(run.total_avoirs)},
            )
        )
    return texte


def bilan_figer(request, travail):
    r = travail.resultat
    return request.localizer.translate(
        _(
            "${figes} document(s) figé(s) sur ${total} sans PDF.",
            mapping={"figes": r.get("figes", 0), "total": r.get("sans_original", 0)},
        )
    )


def unite(valeur):
    numero = valeur[0] if isinstance(valeur, tuple) else valeur
    return _("Famille n° ${numero}", mapping={"numero": numero})


def retour(request, travail):
    regie = objet(find_root(request.context), travail.parametres["regie"])
    if regie is None:
        return None
    return request.sdiapi.mgmt_path(regie, "@@facturation")


GENRE_TRAVAIL = Genre(
    GENRE,
    _("Facturation"),
    traiter,
    P.FACTURATION_GERER,
    lot=LOT,
    unite=unite,
    terminer=terminer,
    retour=retour,
    lieu=lambda root: root["regies"],
    bilan=bilan,
)


# --- The batch of PDFs: every issued document without original --------------------


def lancer_figer(request, root):
    """Queue the freezing of every issued document without original
    (``figer_tout``): its units are every family."""
    titre = request.localizer.translate(_("Documents figés : PDF des documents émis sans PDF"))
    return mettre_en_file(request, root, GENRE_FIGER, sorted(root["familles"].keys()), {}, titre)


def traiter_figer(request, root, travail, numeros):
    """Freeze the documents without original of one chunk's families."""
    familles = root["familles"]
    documents = figer_tout.sans_original(root, [n for n in numeros if n in familles])
    prepares = pdf.preparer(request, documents)
    figes = pdf.figer(request, prepares)  # in the chunk's transaction
    r = travail.resultat
    travail.resultat = {
        "sans_original": r.get("sans_original", 0) + len(documents),
        "figes": r.get("figes", 0) + figes,
    }
    if figes < len(prepares):
        travail.noter_erreur(
            request.localizer.translate(
                _(
                    "PDF non créés (le générateur de PDF a échoué) : ${numeros}.",
                    mapping={"numeros": ", ".join(d.numero for d, _h, _n in prepares)},
                )
            )
        )


def retour_figer(request, travail):
    return request.sdiapi.mgmt_path(find_root(request.context)["regies"], "@@documents-figes")


GENRE_TRAVAIL_FIGER = Genre(
    GENRE_FIGER,
    _("Documents figés"),
    traiter_figer,
    P.FACTURATION_GERER,
    lot=LOT_FIGER,
    unite=unite,
    retour=retour_figer,
    lieu=lambda root: root["regies"],
    bilan=bilan_figer,
)
