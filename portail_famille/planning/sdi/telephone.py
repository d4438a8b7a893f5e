"""SDI tab "Réserver" of an Enfant: the agent on the phone with a parent
("Madame Dupont : Lucas mercredi prochain") sees the child's month, with
the cells of the parent's grid, and books a day in one click on it, or
cancels a booked one (its reason, then a confirmation naming the day).
The Famille's tab "Réserver" leads to its children's; the staff's search
links each child there (``?prenom=``): "dup", LUCAS, the Wednesday.

The rules and the refusals are the parent's grid's (``planning.telephone``
over ``service``); a "Dérogation" with its reason lifts the deadline and
the capacity.  Agents and administrators (``P.PLANNING_TRAITER`` on the
families), as for the requests of the planning; not régisseurs, not
editors.

A refusal, or a field to correct, comes back on the page (status 200)
with the agent's choices kept; a change done redirects with its message.

A child shared by two households (garde alternée, ``familles.partage``):
the page names both, the agent picks the one on the phone (``?foyer=``,
its N° famille; default the child's first) and books on its weeks only,
as its parent would; cancelling a day is for the household that booked
it (its link carries it).  The second household's tab "Réserver" lists
the children it shares.
"""

import datetime
from html import escape
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPFound
from pyramid.traversal import find_root
from substanced.sdi import mgmt_view

from ... import dates
from ...calendrier.jours import genres, zone_vacances
from ...demandes.resources import ACCEPTEE
from ...familles import partage
from ...familles.resources import IEnfant, IFamille
from ...i18n import _, traduire
from ...inscriptions import prestation_de
from ...security import P
from .. import cells, regles, service, telephone
from ..actions import cellule_demandee
from ..legende import ETATS
from ..views import MOIS, _actives, _apparence, _colonnes, _legende, decaler, mois_demande

VUE = "reserver"
RESERVER = "reserver"  # POST field: "<prestation oid>:<date>" of the cell clicked
ANNULER = "annuler"  # GET (the confirmation) and POST field, the same value
TEMPLATE = "portail_famille.planning:templates/telephone.pt"
PRENOM = "prenom"  # the Famille's tab: the child of that first name
FOYER = "foyer"  # GET and POST: the N° famille of the household booked for

# A free cell: a button that books it (all values escaped).
BOUTON = (
    '%s<button type="submit" name="' + RESERVER + '" value="%s" class="cellule-action reserver">'
    '%s<span class="sr-only">%s %s, %s</span></button></td>'
)
# A booked cell: the link to its cancellation's confirmation.
LIEN = (
    '%s<a class="cellule-action annuler" href="%s">%s'
    '<span class="sr-only">%s. %s %s, %s</span></a></td>'
)
CACHE = '%s%s<span class="sr-only">%s</span></td>'


def url(request, enfant, year, month, **query):
    return (
        request.sdiapi.mgmt_path(enfant, "@@" + VUE)
        + "?"
        + urlencode({"mois": "%04d-%02d" % (year, month), **query})
    )


def lien_famille(request, numero, prenom):
    """The search's link from a child of family ``numero`` to its tab."""
    familles = request.root["familles"]
    return request.sdiapi.mgmt_path(familles, numero, "@@" + VUE, query={PRENOM: prenom})


def foyer_choisi(enfant, numero):
    """The household of ``enfant`` whose N° famille is ``numero`` (the
    child's first by default, or when ``numero`` is none of its)."""
    for famille in partage.foyers(enfant):
        if isinstance(numero, str) and famille.__name__ == numero:
            return famille
    return partage.foyer_principal(enfant)


def _cellule(value):
    """(prestation oid, day) of "<oid>:<date>", or None."""
    oid, _sep, day = value.partition(":") if isinstance(value, str) else ("", "", "")
    return cellule_demandee({"prestation": oid, "date": day})


@mgmt_view(
    context=IEnfant,
    name=VUE,
    tab_title=_("Réserver"),
    permission=P.PLANNING_TRAITER,
    renderer=TEMPLATE,
    request_method="GET",
)
class TelephoneView:
    """The month (GET), "Réserver" on a cell and "Annuler la réservation"
    (POST, the same URL)."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.year, self.month = mois_demande(request.params.get("mois"), dates.today())
        self.foyer = foyer_choisi(context, request.params.get(FOYER))

    def requete(self, foyer=None):
        """The query that keeps the household chosen (none: the first)."""
        foyer = foyer or self.foyer
        if foyer is partage.foyer_principal(self.context):
            return {}
        return {FOYER: foyer.__name__}

    def traduire(self, texte):
        return traduire(self.request, texte)

    def __call__(self):
        found = _cellule(self.request.GET.get(ANNULER))
        return self.page(annulation=found)

    # --- the page -----------------------------------------------------------

    def lignes(self):
        enfant, request = self.context, self.request
        debut, fin = cells.bornes(self.year, self.month)
        calendrier = find_root(enfant).get("calendrier")
        zone = zone_vacances(request.registry.settings)
        jours = [debut + datetime.timedelta(days=n) for n in range((fin - debut).days + 1)]
        actives = _actives(enfant, calendrier, debut, fin)
        etats = cells.cells_of_month(
            enfant, self.year, self.month, [i.prestation for i, _p, _d in actives]
        )
        colonnes, _entetes = _colonnes(self.year, self.month)
        aujourdhui = dates.today()
        apparences = {}
        rows = []
        # a shared child: the households by N° famille, read once
        foyers = {f.__name__: f for f in partage.foyers(enfant)} if enfant.gardes else {}
        for inscription, prestation, bornes in actives:
            oid = inscription.prestation
            kinds = (
                genres(calendrier, jours, prestation.structure, zone)
                if calendrier is not None
                else dict.fromkeys(jours)
            )
            ouverts = regles.jours_ouverts(prestation, kinds)
            titre = "%s %s" % (prestation.structure.title, prestation.title)
            cellules = []
            for day, iso, long in colonnes:
                etat = etats.get((oid, day))
                possible = day in ouverts and max(bornes[0], aujourdhui) <= day <= bornes[1]
                libre = possible and etat is None
                annulable = possible and etat in cells.RESERVES
                key = (etat, kinds[day], day in ouverts, libre)
                if key not in apparences:
                    apparences[key] = _apparence(self.traduire, *key)
                td, marque, texte = apparences[key]
                valeur = "%d:%s" % (oid, iso)
                if libre:
                    verbe = escape(self.traduire(_("Réserver")))
                    cellules.append(BOUTON % (td, valeur, marque, verbe, escape(titre), long))
                elif annulable:
                    # the household that booked the day cancels it
                    numero = partage.foyer_de_la_cellule(enfant, oid, day) if foyers else None
                    query = self.requete(foyers.get(numero) or partage.foyer_principal(enfant))
                    lien = escape(
                        url(request, enfant, self.year, self.month, annuler=valeur, **query)
                    )
                    verbe = escape(self.traduire(_("Annuler")))
                    cellules.append(LIEN % (td, lien, marque, texte, verbe, escape(titre), long))
                elif texte:
                    cellules.append(CACHE % (td, marque, texte))
                else:
                    cellules.append(td + marque + "</td>")
            # Inserted as markup by the template: every value inside is escaped.
            rows.append({"titre": titre, "cellules": "".join(cellules)})
        return rows

    def foyers(self):
        """The households of a shared child, each a link to its page (the
        chosen one marked), with its weeks; [] when the child is not shared."""
        enfant, request = self.context, self.request
        if not partage.est_partage(enfant):
            return []
        return [
            {
                "nom": famille.nom_complet or famille.title,
                "numero": famille.numero,
                "garde": partage.libelle(request, partage.garde_de(enfant, famille)),
                "url": url(request, enfant, self.year, self.month, **self.requete(famille)),
                "actif": famille is self.foyer,
            }
            for famille in partage.foyers(enfant)
        ]

    def page(self, annulation=None, erreurs=None, refus=None, valeurs=None):
        enfant, request = self.context, self.request
        famille = self.foyer
        query = self.requete()
        _colonnes_, entetes = _colonnes(self.year, self.month)
        precedent, suivant = decaler(self.year, self.month, -1), decaler(self.year, self.month, 1)
        return {
            "enfant": enfant,
            "famille": famille.nom_complet or famille.title,
            "numero": famille.numero,
            "foyers": self.foyers(),
            "foyer": query.get(FOYER, ""),
            "mois": "%s %d" % (MOIS[self.month - 1], self.year),
            "valeur_mois": "%04d-%02d" % (self.year, self.month),
            "precedent": url(request, enfant, *precedent, **query),
            "suivant": url(request, enfant, *suivant, **query),
            "action": request.sdiapi.mgmt_path(enfant, "@@" + VUE),
            "retour": url(request, enfant, self.year, self.month, **query),
            "entetes": entetes,
            "lignes": self.lignes(),
            "legende": _legende(request),
            "annulation": self.annulation(annulation),
            "erreurs": {k: self.traduire(v) for k, v in (erreurs or {}).items()},
            "refus": self.traduire(refus) if refus is not None else None,
            "valeurs": valeurs or {},
            "motif_max": service.MOTIF_MAX,
            "csrf_token": request.session.get_csrf_token(),
        }

    def annulation(self, found):
        """What the cancellation's confirmation names, or None."""
        if found is None:
            return None
        oid, day = found
        prestation = self.prestation(oid, day)
        if prestation is None or cells.etat(self.context, oid, day) not in cells.RESERVES:
            return None
        limite = regles.limite_absence(prestation, day)
        return {
            "valeur": "%d:%s" % (oid, day.isoformat()),
            "activite": "%s %s" % (prestation.structure.title, prestation.title),
            "jour": dates.en_toutes_lettres(day),
            "limite": dates.moment_a(limite),
            "hors_delai": dates.horodatage() >= limite,
            "foyer": "%s (N° %s)" % (self.foyer.nom_complet or self.foyer.title, self.foyer.numero),
        }

    def prestation(self, oid, day):
        if service.inscription_du_jour(self.context, oid, day) is None:
            return None
        return prestation_de(self.context, oid)

    # --- the actions --------------------------------------------------------

    def _fait(self, message, day):
        self.request.sdiapi.flash(self.traduire(message), "success")
        query = self.requete()
        return HTTPFound(url(self.request, self.context, day.year, day.month, **query))

    def _saisie(self, bouton):
        """What the agent sent with ``bouton``: (the cell (oid, day), the
        override, the reason, the values to show again), or the page that
        refuses an unknown cell."""
        post = self.request.POST
        found = _cellule(post.get(bouton))
        if found is None:
            return self.page(refus=_("Activité ou date invalide."))
        day = found[1]
        self.year, self.month = day.year, day.month
        derogation = post.get("derogation") == "oui"
        motif = telephone.motif_propre(post.get("motif"))
        return found, derogation, motif, {"derogation": derogation, "motif": motif}

    @mgmt_view(
        context=IEnfant,
        name=VUE,
        permission=P.PLANNING_TRAITER,
        renderer=TEMPLATE,
        request_method="POST",
        request_param=RESERVER,
        tab_condition=False,
    )
    def reserver(self):
        saisie = self._saisie(RESERVER)
        if not isinstance(saisie, tuple):
            return saisie
        found, derogation, motif, valeurs = saisie
        oid, day = found
        erreur = telephone.verifier_motif(motif, derogation)
        if erreur is not None:
            return self.page(erreurs={"motif": erreur}, valeurs=valeurs)
        try:
            demande = telephone.reserver(
                self.context,
                oid,
                day,
                self.request,
                derogation=motif if derogation else "",
                foyer=self.foyer,
            )
        except service.Refus as error:
            return self.page(refus=error.message, valeurs=valeurs)
        mapping = {
            "enfant": self.context.prenom,
            "activite": demande.valeurs["activite"],
            "jour": dates.courte(day),
        }
        if demande.etat == ACCEPTEE:
            message = _(
                "Réservation enregistrée pour ${enfant} : ${activite}, le ${jour}.", mapping=mapping
            )
        else:
            message = _(
                "La journée est complète : ${enfant} est en liste d'attente (${activite}, "
                "le ${jour}). Une dérogation permet de réserver au-delà de la capacité.",
                mapping=mapping,
            )
        return self._fait(message, day)

    @mgmt_view(
        context=IEnfant,
        name=VUE,
        permission=P.PLANNING_TRAITER,
        renderer=TEMPLATE,
        request_method="POST",
        request_param=ANNULER,
        tab_condition=False,
    )
    def annuler(self):
        saisie = self._saisie(ANNULER)
        if not isinstance(saisie, tuple):
            return saisie
        found, derogation, motif, valeurs = saisie
        oid, day = found
        erreurs = {}
        if not motif:
            erreurs["motif"] = _("Indiquez la raison de l'absence.")
        else:
            erreur = telephone.verifier_motif(motif, False)
            if erreur is not None:
                erreurs["motif"] = erreur
        if erreurs:
            return self.page(annulation=found, erreurs=erreurs, valeurs=valeurs)
        try:
            demande = telephone.annuler(
                self.context, oid, day, motif, self.request, derogation=derogation, foyer=self.foyer
            )
        except service.Refus as error:
            # The confirmation stays open: the override may be ticked.
            return self.page(annulation=found, refus=error.message, valeurs=valeurs)
        etat = cells.etat(self.context, oid, day)
        mapping = {
            "enfant": self.context.prenom,
            "activite": demande.valeurs["activite"],
            "jour": dates.courte(day),
            "etat": self.traduire(ETATS[etat][1]),
        }
        return self._fait(
            _(
                "Réservation annulée pour ${enfant} : ${activite}, le ${jour} (${etat}).",
                mapping=mapping,
            ),
            day,
        )


@mgmt_view(
    context=IFamille,
    name=VUE,
    tab_title=_("Réserver"),
    permission=P.PLANNING_TRAITER,
    renderer="portail_famille.planning:templates/telephone_famille.pt",
    request_method="GET",
)
def famille(context, request):
    """The family's children, each a link to its tab "Réserver"; straight
    to it when ``?prenom=`` names one child."""
    # its own children, and those it shares with another household
    enfants = sorted(partage.enfants_du_foyer(context), key=lambda e: (e.prenom, e.__name__))

    def lien(enfant, *mois):
        """Its tab "Réserver" (for this household, when it shares it)."""
        query = {FOYER: context.__name__} if partage.second_foyer(enfant, context) else {}
        if not mois and not query:
            return request.sdiapi.mgmt_path(enfant, "@@" + VUE)
        return url(request, enfant, *(mois or mois_demande(None, dates.today())), **query)

    prenom = request.GET.get(PRENOM)
    if isinstance(prenom, str) and prenom:
        found = [e for e in enfants if e.prenom.casefold() == prenom.strip().casefold()]
        if len(found) == 1:
            return HTTPFound(lien(found[0], *mois_demande(None, dates.today())))
    aujourdhui = dates.today()
    return {
        "famille": context.nom_complet or context.title,
        "numero": context.numero,
        "enfants": [
            {
                "nom": enfant.title,
                "age": dates.age(enfant.date_naissance, aujourdhui),
                "url": lien(enfant),
            }
            for enfant in enfants
            if enfant.partie_le is None
        ],
    }
