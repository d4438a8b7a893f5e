"""SDI tab "Prélèvements" of a Régie: its direct-debit batches.

- ``@@prelevements`` (GET): the batches (number, due date, state, count,
  total) and "Nouveau lot" (the due date); its POST shows the preview
  (the debits per family, the invoices left out with their reason, the
  totals) with "Confirmer la création du lot", a POST carrying the
  preview's digest: when the data changed in between, the new preview
  is shown instead, nothing built; else the batch is numbered ("En
  préparation") and its preparation queued for the workers
  (``preparation``): the answer is the job's progress page;
- ``@@prelevement?lot=PRLV-2026-001``: one batch, its debits, its history,
  "Télécharger le fichier" (``@@prelevement-fichier``), and its next step:
  ``@@prelevement-transmettre``, ``@@prelevement-effectuer`` (a
  confirmation page each, then a POST; "effectuer" queues the payments
  for the workers) and, once done, "Enregistrer un
  rejet" of a debit (``@@prelevement-rejet``: the code, the reason, what
  it does, then the POST).

Reading: ``P.PRELEVEMENT_LOT_VOIR``; everything that writes:
``P.PRELEVEMENT_LOT_GERER`` (régisseurs, administrators).  A GET writes
nothing but the RGPD audit of the file's download (it holds the families'
IBANs); each transition is in the site's journal.
"""

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from substanced.sdi import mgmt_view

from .. import courriels, dates, fichiers, journal
from ..adresses import url_absolue
from ..facturation import figement
from ..facturation import service as facturation
from ..facturation.regies import IRegie
from ..i18n import _
from ..journal import audit
from ..messagerie import service as messagerie
from ..montants import euros
from ..security import P, login
from . import creancier, lots, mandats, preparation
from .preparation import LOT_ABANDONNE, LOT_EFFECTUE, LOT_PREPARE
from .resources import EFFECTUE, EN_PREPARATION, ETATS, PREPARE, TRANSMIS, tous
from .resources import lot as lot_de

LOT_TRANSMIS = "PrelevementLotTransmis"
REJET = "PrelevementRejete"
ACTIONS = {
    LOT_PREPARE: _("Lot de prélèvement préparé"),
    LOT_TRANSMIS: _("Lot de prélèvement transmis à la banque"),
    LOT_EFFECTUE: _("Lot de prélèvement effectué"),
    LOT_ABANDONNE: _("Lot de prélèvement abandonné"),
    REJET: _("Prélèvement rejeté"),
}
MOTIF_MAX = 500
EXCLUES_MAX = 200  # invoices left out listed on the preview (the rest counted)
TEMPLATES = "portail_famille.prelevement:templates/"


def _tr(request, value):
    return request.localizer.translate(value)


def _flash(request, message):
    request.sdiapi.flash(_tr(request, message), "success")


def _url(request, regie, vue, **query):
    return request.sdiapi.mgmt_path(regie, "@@" + vue, _query=query or None)


def _lot(request, regie):
    found = lot_de(regie, request.params.get("lot"))
    if found is None:
        raise HTTPNotFound()
    return found


def _noter(request, quoi, regie, lot, famille=None, **details):
    journal.noter(
        request,
        quoi,
        regie,
        famille=famille,
        ecran=request.path,
        details={"lot": lot.numero, **details},
    )


def _motif(post):
    """The reason typed (spaces folded) and the error to show beside it, or None."""
    motif = post.get("motif", "")
    motif = " ".join(motif.split()) if isinstance(motif, str) else ""
    if len(motif) > MOTIF_MAX:
        return motif, _("Le motif ne peut dépasser ${max} caractères.", mapping={"max": MOTIF_MAX})
    return motif, None


def _travail(request, travail):
    """The job's progress page."""
    return request.sdiapi.mgmt_path(request.root, "@@travail", _query={"id": travail.id})


def _creancier(request):
    return creancier(request.registry.settings)


# --- The list, the preview, the building -------------------------------------------------


@mgmt_view(
    context=IRegie,
    name="prelevements",
    tab_title=_("Prélèvements"),
    permission=P.PRELEVEMENT_LOT_VOIR,
    renderer=TEMPLATES + "prelevements.pt",
    request_method="GET",
)
class LotsView:
    """The batches and "Nouveau lot" (GET); the preview (POST) and its
    confirmation (POST ``confirmer``) are views of their own."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        return self.show()

    @mgmt_view(
        context=IRegie,
        name="prelevements",
        permission=P.PRELEVEMENT_LOT_GERER,
        renderer=TEMPLATES + "prelevements.pt",
        request_method="POST",
        tab_condition=False,
    )
    def verifier(self):
        echeance, erreur = self.lire_echeance()
        if erreur is not None:
            return self.show(erreur=erreur)
        return self.show(apercu=lots.apercu(self.request.root, self.context, echeance))

    @mgmt_view(
        context=IRegie,
        name="prelevements",
        permission=P.PRELEVEMENT_LOT_GERER,
        renderer=TEMPLATES + "prelevements.pt",
        request_method="POST",
        request_param="confirmer",
        tab_condition=False,
    )
    def confirmer(self):
        request = self.request
        regie = self.context
        echeance, erreur = self.lire_echeance()
        if erreur is not None:
            return self.show(erreur=erreur)
        attendue = request.POST.get("empreinte", "")
        try:
            lot = lots.ouvrir(
                request.root,
                regie,
                echeance,
                attendue if isinstance(attendue, str) else "",
                _creancier(request),
                par=login(request),
            )
        except lots.ApercuPerime as perime:
            request.tm.doom()
            request.response.status = 409
            return self.show(apercu=perime.apercu, avertissement=perime.args[0])
        except lots.PrelevementError as refus:
            request.tm.doom()
            request.response.status = 400
            found = lots.apercu(request.root, regie, echeance)
            return self.show(apercu=found, avertissement=refus.args[0])
        # the invoices marked and the file written by the workers
        travail = preparation.mettre_en_preparation(request, regie, lot, login(request))
        _flash(
            request,
            _(
                "Lot ${lot} en préparation : ${nombre} prélèvement(s), ${total}. Son fichier "
                "sera prêt à la fin du travail.",
                mapping={"lot": lot.numero, "nombre": lot.nombre, "total": euros(lot.total)},
            ),
        )
        return HTTPFound(_travail(request, travail))

    def lire_echeance(self):
        texte = self.request.POST.get("echeance", "")
        echeance = dates.lire_date(texte if isinstance(texte, str) else "")
        refus = lots.refus_echeance(echeance, dates.today())
        if refus is not None:
            self.request.response.status = 400
            return None, _tr(self.request, refus)
        return echeance, None

    def show(self, apercu=None, erreur=None, avertissement=None):
        request = self.request
        regie = self.context
        tr = request.localizer.translate
        post = request.POST
        lignes = [
            {
                "numero": lot.numero,
                "url": _url(request, regie, "prelevement", lot=lot.numero),
                "echeance": dates.courte(lot.echeance),
                "etat": tr(ETATS[lot.etat]),
                "nombre": lot.nombre,
                "total": euros(lot.total),
                "rejets": len(lot.rejets),
            }
            for lot in tous(regie)
        ]
        manquants = lots.parametres_manquants(_creancier(request))
        echeance = post.get("echeance", "") if isinstance(post.get("echeance", ""), str) else ""
        return {
            "regie": regie,
            "lots": lignes,
            "peut_gerer": bool(request.has_permission(P.PRELEVEMENT_LOT_GERER, regie)),
            "manquants": ", ".join(manquants),
            "action": _url(request, regie, "prelevements"),
            "csrf_token": request.session.get_csrf_token(),
            "echeance": echeance,
            "erreur": erreur or "",
            "avertissement": tr(avertissement) if avertissement is not None else "",
            "apercu": self.apercu(apercu) if apercu is not None else None,
        }

    def apercu(self, found):
        tr = self.request.localizer.translate
        familles = self.request.root["familles"]

        def compte(numero):
            return self.request.sdiapi.mgmt_path(familles[numero], "@@compte")

        return {
            "echeance": dates.courte(found["echeance"]),
            "echeance_iso": found["echeance"].isoformat(),
            "empreinte": found["empreinte"],
            "nombre": found["nombre"],
            "total": euros(found["total"]),
            "frst": sum(1 for d in found["debits"] if d["sequence"] == mandats.PREMIER),
            "rcur": sum(1 for d in found["debits"] if d["sequence"] == mandats.RECURRENT),
            "debits": [
                {
                    "nom": d["nom"],
                    "compte": compte(d["famille"]),
                    "rum": d["rum"],
                    "sequence": d["sequence"],
                    "factures": ", ".join(n for n, _m in d["factures"]),
                    "montant": euros(d["montant"]),
                }
                for d in found["debits"]
            ],
            "exclues": [
                {
                    "nom": e["nom"],
                    "compte": compte(e["famille"]),
                    "facture": e["facture"],
                    "reste": euros(e["reste"]),
                    "raison": tr(e["raison"]),
                }
                for e in found["exclues"][:EXCLUES_MAX]
            ],
            "exclues_autres": max(0, len(found["exclues"]) - EXCLUES_MAX),
            "nombre_exclues": len(found["exclues"]),
        }


# --- One batch ------------------------------------------------------------------------------


def _debits(request, regie, lot):
    familles = request.root["familles"]
    tr = request.localizer.translate
    peut_gerer = bool(request.has_permission(P.PRELEVEMENT_LOT_GERER, regie))
    lignes = []
    for debit in lot.debits:
        famille = familles.get(debit["famille"])
        rejet = lot.rejets.get(debit["famille"])
        lignes.append(
            {
                "nom": debit["nom"],
                "compte": request.sdiapi.mgmt_path(famille, "@@compte") if famille else None,
                "rum": debit["rum"],
                "sequence": debit["sequence"],
                "factures": ", ".join(n for n, _m in debit["factures"]),
                "reglements": ", ".join(
                    lot.reglements[n] for n, _m in debit["factures"] if n in lot.reglements
                ),
                "montant": euros(debit["montant"]),
                "rejet": (
                    "%s (%s)" % (tr(lots.TITRES_CODES[rejet["code"]]), dates.courte(rejet["date"]))
                    if rejet
                    else ""
                ),
                "rejeter": (
                    _url(
                        request,
                        regie,
                        "prelevement-rejet",
                        lot=lot.numero,
                        famille=debit["famille"],
                    )
                    if peut_gerer and lot.etat == EFFECTUE and not rejet
                    else None
                ),
            }
        )
    return lignes


@mgmt_view(
    context=IRegie,
    name="prelevement",
    tab_condition=False,
    permission=P.PRELEVEMENT_LOT_VOIR,
    renderer=TEMPLATES + "prelevement_lot.pt",
    request_method="GET",
)
def lot_view(context, request):
    regie = context
    lot = _lot(request, regie)
    tr = request.localizer.translate
    peut_gerer = bool(request.has_permission(P.PRELEVEMENT_LOT_GERER, regie))
    return {
        "regie": regie,
        "lot": lot,
        "retour": _url(request, regie, "prelevements"),
        "echeance": dates.courte(lot.echeance),
        "etat": tr(ETATS[lot.etat]),
        "total": euros(lot.total),
        "fichier": _url(request, regie, "prelevement-fichier", lot=lot.numero),
        "taille": lot.fichier.taille_lisible if lot.fichier is not None else "",
        "historique": [
            {
                "etat": tr(ETATS[h["etat"]]),
                "le": dates.local(h["le"]).strftime("%d/%m/%Y %H:%M"),
                "par": h["par"],
            }
            for h in lot.historique
        ],
        "debits": _debits(request, regie, lot),
        "transmettre": (
            _url(request, regie, "prelevement-transmettre", lot=lot.numero)
            if peut_gerer and lot.etat == PREPARE
            else None
        ),
        "effectuer": (
            _url(request, regie, "prelevement-effectuer", lot=lot.numero)
            if peut_gerer and lot.etat == TRANSMIS
            else None
        ),
        "abandonner": (
            _url(request, regie, "prelevement-abandonner", lot=lot.numero)
            if peut_gerer and lot.etat == PREPARE
            else None
        ),
        "motif_abandon": lot.motif_abandon,
        "en_preparation": lot.etat == EN_PREPARATION,
        "travail": (
            request.sdiapi.mgmt_path(request.root, "@@travail", _query={"id": lot.travail})
            if lot.travail is not None
            else None
        ),
    }


@mgmt_view(
    context=IRegie,
    name="prelevement-fichier",
    tab_condition=False,
    permission=P.PRELEVEMENT_LOT_VOIR,
    request_method="GET",
)
def fichier_view(context, request):
    """The pain.008 file as issued.  It holds every debited family's IBAN:
    its download is in the RGPD audit (a write on GET, deliberately, as
    every audited read), one entry for the batch."""
    lot = _lot(request, context)
    if lot.fichier is None:
        raise HTTPNotFound()
    journal.noter(
        request,
        audit.IBAN,
        context,
        genre=journal.LECTURE,
        ecran=request.path_info[:200],
        details={"lot": lot.numero, "familles": lot.nombre},
    )
    return fichiers.reponse(request, lot.fichier)


# --- Transitions -------------------------------------------------------------------------------


class _Etape:
    """A transition's confirmation page (GET) and its POST."""

    vue = ""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        return self.show(_lot(self.request, self.context))

    def obstacle(self, lot):
        raise NotImplementedError

    def show(self, lot, obstacle=None, erreurs=None):
        request = self.request
        regie = self.context
        obstacle = obstacle if obstacle is not None else self.obstacle(lot)
        erreurs = {k: _tr(request, v) for k, v in (erreurs or {}).items()}
        return {
            "erreurs": erreurs,
            "motif": request.POST.get("motif", "") if erreurs else "",
            "regie": regie,
            "lot": lot,
            "vue": self.vue,
            "echeance": dates.courte(lot.echeance),
            "total": euros(lot.total),
            "etat": _tr(request, ETATS[lot.etat]),
            "obstacle": _tr(request, obstacle) if obstacle is not None else "",
            "retour": _url(request, regie, "prelevement", lot=lot.numero),
            "action": _url(request, regie, "prelevement-" + self.vue),
            "csrf_token": request.session.get_csrf_token(),
        }


@mgmt_view(
    context=IRegie,
    name="prelevement-transmettre",
    tab_condition=False,
    permission=P.PRELEVEMENT_LOT_GERER,
    renderer=TEMPLATES + "prelevement_etape.pt",
    request_method="GET",
)
class TransmettreView(_Etape):
    vue = "transmettre"

    def obstacle(self, lot):
        if lot.etat == EN_PREPARATION:
            return _("Ce lot est en préparation : attendez qu'il soit prêt.")
        return None if lot.etat == PREPARE else _("Ce lot a déjà été transmis à la banque.")

    @mgmt_view(
        context=IRegie,
        name="prelevement-transmettre",
        tab_condition=False,
        permission=P.PRELEVEMENT_LOT_GERER,
        renderer=TEMPLATES + "prelevement_etape.pt",
        request_method="POST",
    )
    def transmettre(self):
        request = self.request
        lot = _lot(request, self.context)
        obstacle = self.obstacle(lot)
        if obstacle is not None:
            request.response.status = 400
            return self.show(lot, obstacle)
        lots.transmettre(lot, par=login(request))
        _noter(request, LOT_TRANSMIS, self.context, lot)
        _flash(request, _("Lot ${lot} transmis à la banque.", mapping={"lot": lot.numero}))
        return HTTPFound(_url(request, self.context, "prelevement", lot=lot.numero))


@mgmt_view(
    context=IRegie,
    name="prelevement-abandonner",
    tab_condition=False,
    permission=P.PRELEVEMENT_LOT_GERER,
    renderer=TEMPLATES + "prelevement_etape.pt",
    request_method="GET",
)
class AbandonnerView(_Etape):
    """A prepared batch whose file was never sent, abandoned with a reason:
    its invoices and mandates are freed, the batch and its file kept."""

    vue = "abandonner"

    def obstacle(self, lot):
        return lots.obstacle_abandon(lot)

    @mgmt_view(
        context=IRegie,
        name="prelevement-abandonner",
        tab_condition=False,
        permission=P.PRELEVEMENT_LOT_GERER,
        renderer=TEMPLATES + "prelevement_etape.pt",
        request_method="POST",
    )
    def abandonner(self):
        request = self.request
        lot = _lot(request, self.context)
        obstacle = self.obstacle(lot)
        if obstacle is not None:
            request.response.status = 400
            return self.show(lot, obstacle)
        motif, erreur = _motif(request.POST)
        if erreur is None and not motif:
            erreur = _("Indiquez pourquoi le lot est abandonné.")
        if erreur is not None:
            request.response.status = 400
            return self.show(lot, erreurs={"motif": erreur})
        lots.abandonner(request.root, lot, motif, par=login(request))
        _noter(request, LOT_ABANDONNE, self.context, lot, motif=motif)
        _flash(
            request,
            _(
                "Lot ${lot} abandonné : ses factures sont de nouveau à régler.",
                mapping={"lot": lot.numero},
            ),
        )
        return HTTPFound(_url(request, self.context, "prelevement", lot=lot.numero))


@mgmt_view(
    context=IRegie,
    name="prelevement-effectuer",
    tab_condition=False,
    permission=P.PRELEVEMENT_LOT_GERER,
    renderer=TEMPLATES + "prelevement_etape.pt",
    request_method="GET",
)
class EffectuerView(_Etape):
    vue = "effectuer"

    def obstacle(self, lot):
        return lots.obstacle_effectuer(lot)

    @mgmt_view(
        context=IRegie,
        name="prelevement-effectuer",
        tab_condition=False,
        permission=P.PRELEVEMENT_LOT_GERER,
        renderer=TEMPLATES + "prelevement_etape.pt",
        request_method="POST",
    )
    def effectuer(self):
        request = self.request
        regie = self.context
        lot = _lot(request, regie)
        obstacle = self.obstacle(lot)
        if obstacle is not None:
            request.response.status = 400
            return self.show(lot, obstacle)
        # the payments recorded and their receipts frozen by the workers
        travail = preparation.mettre_en_paiement(request, regie, lot, login(request))
        _flash(
            request,
            _(
                "Lot ${lot} : ${nombre} prélèvement(s) en cours d'enregistrement comme règlements.",
                mapping={"lot": lot.numero, "nombre": lot.nombre},
            ),
        )
        return HTTPFound(_travail(request, travail))


# --- Rejects ---------------------------------------------------------------------------------------


@mgmt_view(
    context=IRegie,
    name="prelevement-rejet",
    tab_condition=False,
    permission=P.PRELEVEMENT_LOT_GERER,
    renderer=TEMPLATES + "prelevement_rejet.pt",
    request_method="GET",
)
class RejetView:
    """The reject of one debit: its form and what it does (GET), then the
    POST."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        lot = _lot(self.request, self.context)
        return self.show(lot, self.famille())

    def famille(self):
        numero = self.request.params.get("famille", "")
        return numero if isinstance(numero, str) else ""

    @mgmt_view(
        context=IRegie,
        name="prelevement-rejet",
        tab_condition=False,
        permission=P.PRELEVEMENT_LOT_GERER,
        renderer=TEMPLATES + "prelevement_rejet.pt",
        request_method="POST",
    )
    def rejeter(self):
        request = self.request
        regie = self.context
        lot = _lot(request, regie)
        numero = self.famille()
        if lots.obstacle_rejet(lot, numero) is not None:
            request.response.status = 400
            return self.show(lot, numero)
        post = request.POST
        erreurs = {}
        code = post.get("code", "")
        if code not in lots.TITRES_CODES:
            erreurs["code"] = _("Choisissez le code de rejet.")
        motif, erreur = _motif(post)
        if erreur is not None:
            erreurs["motif"] = erreur
        texte = post.get("date", "")
        jour = dates.lire_date(texte if isinstance(texte, str) else "")
        if jour is None:
            erreurs["date"] = _("Date invalide (AAAA-MM-JJ ou jj/mm/aaaa).")
        elif jour > dates.today():
            erreurs["date"] = _("La date ne peut pas être dans le futur.")
        elif jour < lot.echeance:
            erreurs["date"] = _("Le rejet ne peut précéder l'échéance du lot.")
        if erreurs:
            request.response.status = 400
            return self.show(lot, numero, erreurs)
        try:
            rejet = lots.rejeter(
                request.root,
                regie,
                lot,
                numero,
                code,
                motif,
                jour,
                request.registry.settings,
                par=login(request),
                registry=request.registry,
            )
        except lots.PrelevementError as refus:
            request.tm.doom()
            request.response.status = 400
            return self.show(lot, numero, {"code": refus.args[0]})
        famille = request.root["familles"][numero]
        self.prevenir(famille, lot, rejet)
        # the cancellations and the fee invoice frozen as issued
        for numero_annulation in rejet["annulations"]:
            figement.a_figer(facturation.reglements(famille)[numero_annulation], request)
        if rejet["frais"]:
            figement.a_figer(facturation.factures(famille)[rejet["frais"]], request)
        _noter(request, REJET, regie, lot, famille=famille, code=code)
        _flash(
            request,
            _(
                "Rejet du prélèvement de ${famille} enregistré (${code}) : la facture est de "
                "nouveau à payer.",
                mapping={"famille": lot.debit(numero)["nom"], "code": code},
            ),
        )
        return HTTPFound(_url(request, regie, "prelevement", lot=lot.numero))

    def prevenir(self, famille, lot, rejet):
        """The family's mailbox gets the message, its parents the mail."""
        request = self.request
        tr = request.localizer.translate
        debit = lot.debit(famille.numero)
        numeros = ", ".join(n for n, _m in debit["factures"])
        plusieurs = len(debit["factures"]) > 1
        raison = tr(lots.TITRES_CODES[rejet["code"]])
        if plusieurs:
            a_payer = _(
                "Les factures ${factures} sont de nouveau à payer : vous pouvez les régler en "
                "ligne depuis votre relevé de compte, ou auprès de la régie.",
                mapping={"factures": numeros},
            )
        else:
            a_payer = _(
                "La facture ${factures} est de nouveau à payer : vous pouvez la régler en "
                "ligne depuis votre relevé de compte, ou auprès de la régie.",
                mapping={"factures": numeros},
            )
        lignes = [tr(a_payer)]
        if rejet["frais"]:
            frais = facturation.factures(famille)[rejet["frais"]]
            lignes.append(
                tr(
                    _(
                        "Des frais de rejet de ${montant} vous sont facturés (facture ${numero}).",
                        mapping={"montant": euros(frais.montant), "numero": frais.numero},
                    )
                )
            )
        if rejet["revoque"]:
            lignes.append(
                tr(
                    _(
                        "Votre mandat de prélèvement ${rum} ne peut plus servir : il est révoqué. "
                        "Pour reprendre le prélèvement, faites une nouvelle demande depuis Mon "
                        "compte.",
                        mapping={"rum": debit["rum"]},
                    )
                )
            )
        details = {
            "echeance": dates.courte(lot.echeance),
            "factures": numeros,
            "montant": euros(debit["montant"]),
            "raison": raison,
        }
        if plusieurs:
            texte = _(
                "Le prélèvement du ${echeance} de ${montant} (factures ${factures}) a été "
                "rejeté par votre banque : ${raison}.",
                mapping=details,
            )
            objet = _("Prélèvement rejeté : factures ${factures}", mapping=details)
        else:
            texte = _(
                "Le prélèvement du ${echeance} de ${montant} (facture ${factures}) a été "
                "rejeté par votre banque : ${raison}.",
                mapping=details,
            )
            objet = _("Prélèvement rejeté : facture ${factures}", mapping=details)
        texte, objet = tr(texte), tr(objet)
        if rejet["motif"]:
            texte += "\n" + tr(_("Précision : ${motif}", mapping={"motif": rejet["motif"]}))
        texte += "\n\n" + "\n".join(lignes)
        messagerie.ecrire_a_la_famille(
            request,
            famille,
            objet[: messagerie.OBJET_MAX],
            texte,
            par=login(request),
            courriel=False,
        )
        destinataires = messagerie.destinataires(famille)
        if destinataires:
            courriels.send(
                request,
                "prelevement_rejete",
                destinataires,
                regie=self.context.title,
                motif=rejet["motif"],
                lignes=lignes,
                url=url_absolue(request, famille, "boite-de-reception"),
                **details,
            )

    def show(self, lot, numero, erreurs=None):
        request = self.request
        regie = self.context
        tr = request.localizer.translate
        obstacle = lots.obstacle_rejet(lot, numero)
        debit = lot.debit(numero)
        post = request.POST if erreurs else {}
        frais = lots.frais_rejet(request.registry.settings)
        return {
            "regie": regie,
            "lot": lot,
            "famille": numero,
            "debit": debit,
            "montant": euros(debit["montant"]) if debit else "",
            "factures": [
                {"numero": n, "montant": euros(v), "reglement": lot.reglements.get(n, "")}
                for n, v in (debit["factures"] if debit else ())
            ],
            "obstacle": tr(obstacle) if obstacle is not None else "",
            "codes": [(code, tr(titre)) for code, titre in lots.CODES_REJET],
            "revoquants": ", ".join(sorted(lots.REVOQUANTS)),
            "frais": euros(frais) if frais else "",
            "valeurs": {
                "code": post.get("code", ""),
                "motif": post.get("motif", ""),
                "date": post.get("date") or dates.today().isoformat(),
            },
            "erreurs": {k: tr(v) for k, v in (erreurs or {}).items()},
            "retour": _url(request, regie, "prelevement", lot=lot.numero),
            "action": _url(request, regie, "prelevement-rejet"),
            "csrf_token": request.session.get_csrf_token(),
        }
