"""The régie's SDI tab "Trésor public" (régisseurs, administrators).

GET (``P.PES_VOIR``): the files already sent (number, date, count,
total, download) and, on demand ("Afficher les factures à transmettre":
it reads every invoice of the régie), the invoices to send as titres de
recettes (family, invoice, amount still due, the reminders' dates, the
debtor's address, a mandate's RUM), those left out with the reason, and
the totals.  Nothing is written.

"Préparer le fichier" (POST, ``P.PES_GERER``) shows what will be sent
("Bordereau PES-2026-001 : N titre(s), total …"); only "Confirmer l'envoi
au Trésor public" issues it, with the preview's digest: refused (and the
new preview shown) when anything changed in between.  Missing or invalid
settings: the tab says which, and nothing can be sent.
"""

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from substanced.sdi import mgmt_view

from .. import dates, fichiers
from ..facturation.regies import IRegie
from ..i18n import _
from ..montants import euros
from ..security import P, login
from . import preparation, resources, service

APERCU_LIGNES = 200  # invoices shown in a preview (the totals count all)


def _tr(request, value):
    return request.localizer.translate(value)


@mgmt_view(
    context=IRegie,
    name="tresor",
    tab_title=_("Trésor public"),
    permission=P.PES_VOIR,
    renderer="portail_famille.pes:templates/tresor.pt",
    request_method="GET",
)
class TresorView:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    def url(self):
        return self.request.sdiapi.mgmt_path(self.context, "@@tresor")

    def valeurs(self, apercu=True):
        request = self.request
        reglages, erreurs = service.reglages(request.registry.settings)
        jour = dates.today()
        found = {
            "regie": self.context,
            "action": self.url(),
            "csrf_token": request.session.get_csrf_token(),
            "reglages_erreurs": [_tr(request, e) for e in erreurs],
            "relances": reglages.get("relances", service.DEFAUT_RELANCES),
            "apercu": None,
            "url_apercu": self.url() + "?apercu=1",
            "confirmation": None,
            "refus": None,
            "erreurs_fichier": [],
            "fichiers": self.fichiers(),
            "peut_envoyer": bool(request.has_permission(P.PES_GERER, self.context)),
        }
        if apercu and not erreurs:
            found["apercu"] = self.apercu(service.apercu(self.context, reglages, jour))
        return found, reglages, jour

    def __call__(self):
        # the preview reads every invoice of the régie (seconds in a large
        # town: bench/pes.py): on demand, not at each visit of the tab
        return self.valeurs(apercu="apercu" in self.request.GET)[0]

    def ligne(self, ligne):
        request = self.request
        facture, famille, tiers = ligne["facture"], ligne["famille"], ligne["tiers"]
        mandat = ligne["mandat"]
        return {
            "numero": facture.numero,
            "url": request.sdiapi.mgmt_path(facture, "@@facture"),
            "famille": " ".join(p for p in (tiers["nom"].upper(), tiers["prenom"]) if p)
            or famille.numero,
            "compte": request.sdiapi.mgmt_path(famille, "@@compte"),
            "periode": "%s - %s" % (dates.courte(facture.debut), dates.courte(facture.fin)),
            "montant": euros(ligne["montant"]),
            "relances": ", ".join(dates.courte(d) for d in ligne["relances"] if d is not None),
            "adresse": " ".join(
                p for p in (tiers["adresse"], tiers["code_postal"], tiers["ville"]) if p
            ),
            "mandat": mandat.rum if mandat is not None else "",
            "motif": _tr(request, ligne["motif"]) if ligne["motif"] is not None else "",
        }

    def apercu(self, found):
        return {
            "lignes": [self.ligne(x) for x in found["retenues"][:APERCU_LIGNES]],
            "autres": max(0, found["nombre"] - APERCU_LIGNES),
            "exclues": [self.ligne(x) for x in found["exclues"][:APERCU_LIGNES]],
            "nombre": found["nombre"],
            "nombre_exclues": len(found["exclues"]),
            "total": euros(found["total"]),
            "empreinte": found["empreinte"],
            "brut": found,
        }

    def fichiers(self):
        request = self.request
        url = request.sdiapi.mgmt_path(self.context, "@@tresor-fichier")
        return [
            {
                "numero": f.numero,
                "etat": f.etat,
                "erreurs": list(f.erreurs),
                "travail": (
                    request.sdiapi.mgmt_path(request.root, "@@travail", _query={"id": f.travail})
                    if f.travail is not None
                    else None
                ),
                "date": dates.courte(f.date),
                "nombre": f.nombre,
                "total": euros(f.total),
                "par": f.par,
                "url": "%s?numero=%s" % (url, f.numero),
                "taille": f.fichier.taille_lisible if f.fichier is not None else "",
            }
            for f in resources.liste(self.context)
        ]

    def examiner(self):
        """A POST checked: the page's values and the preview to send (None
        when refused: settings, nothing to send, the data changed)."""
        request = self.request
        values, reglages, jour = self.valeurs()
        apercu = values["apercu"]
        if apercu is None:
            return values, None, reglages, jour
        if not apercu["nombre"]:
            values["refus"] = _tr(request, _("Aucune facture à transmettre au Trésor public."))
            return values, None, reglages, jour
        if request.POST.get("empreinte") != apercu["empreinte"]:
            values["refus"] = _tr(
                request,
                _(
                    "Les factures ont changé depuis l'aperçu (règlements, relances, "
                    "adresses…) : rien n'a été envoyé. Vérifiez le nouvel aperçu ci-dessous, "
                    "puis préparez le fichier à nouveau."
                ),
            )
            return values, None, reglages, jour
        return values, apercu, reglages, jour

    @mgmt_view(
        context=IRegie,
        name="tresor",
        permission=P.PES_GERER,
        renderer="portail_famille.pes:templates/tresor.pt",
        request_method="POST",
        tab_condition=False,
    )
    def preparer(self):
        """ "Préparer le fichier": what will be sent, to confirm."""
        values, apercu, _reglages, jour = self.examiner()
        if apercu is not None:
            numero = resources.numero_fichier(
                jour.year,
                resources.prochain(
                    self.context.__parent__, "bordereau", jour.year, lire_seulement=True
                ),
            )
            values["confirmation"] = _tr(
                self.request,
                _(
                    "Bordereau ${numero} du ${jour} : ${nombre} titre(s) de recettes, "
                    "total ${total}.",
                    mapping={
                        "numero": numero,
                        "jour": dates.courte(jour),
                        "nombre": apercu["nombre"],
                        "total": apercu["total"],
                    },
                ),
            )
        return values

    @mgmt_view(
        context=IRegie,
        name="tresor",
        permission=P.PES_GERER,
        renderer="portail_famille.pes:templates/tresor.pt",
        request_method="POST",
        request_param="confirmer",
        tab_condition=False,
    )
    def confirmer(self):
        """ "Confirmer l'envoi au Trésor public": the file is issued."""
        request = self.request
        values, apercu, reglages, jour = self.examiner()
        if apercu is None:
            return values
        try:
            fichier = service.ouvrir(self.context, jour, apercu["brut"]["retenues"], login(request))
        except service.PreparationEnCours as e:
            request.tm.doom()
            request.response.status = 409
            values["refus"] = _tr(
                request,
                _(
                    "Le fichier ${numero} est en préparation : attendez qu'il soit prêt avant "
                    "d'en préparer un autre.",
                    mapping={"numero": e.fichier.numero},
                ),
            )
            return values
        # the invoices marked and the file written by the workers
        travail = preparation.mettre_en_file_fichier(
            request,
            self.context,
            fichier,
            reglages,
            apercu["brut"]["retenues"],
            login(request),
        )
        request.sdiapi.flash(
            _tr(
                request,
                _(
                    "Fichier ${numero} en préparation : ${nombre} facture(s) à transmettre au "
                    "Trésor public, total ${total}. Il sera téléchargeable à la fin du travail.",
                    mapping={
                        "numero": fichier.numero,
                        "nombre": apercu["nombre"],
                        "total": apercu["total"],
                    },
                ),
            ),
            "success",
        )
        return HTTPFound(
            request.sdiapi.mgmt_path(request.root, "@@travail", _query={"id": travail.id})
        )


@mgmt_view(
    context=IRegie,
    name="tresor-fichier",
    permission=P.PES_VOIR,
    request_method="GET",
    tab_condition=False,
)
def telecharger(context, request):
    """A PES file as it was sent (its stored bytes)."""
    numero = request.GET.get("numero")
    found = resources.fichiers_de(context)
    fichier = found.get(numero) if found is not None and isinstance(numero, str) else None
    if fichier is None or fichier.fichier is None:
        return HTTPNotFound()
    return fichiers.reponse(request, fichier.fichier)
