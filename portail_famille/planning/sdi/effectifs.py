"""The agents' day on a Prestation: the tab "Effectifs"
(``P.PLANNING_VOIR``): for a day (``?date=AAAA-MM-JJ``, default today),
whether the prestation opens, the places taken against its capacity, the
expected children and the waiting list; and the day (``Journee``) the
tabs "Pointage" (``pointage``) and "Liste du jour" (``listes``) show.

Each reads the children enrolled that school year through the prestation's
index (``inscriptions.inscrits``), one cell per child: never every family.
"""

import datetime
from urllib.parse import urlencode

from pyramid.traversal import find_root
from substanced.sdi import mgmt_view
from substanced.util import find_objectmap, get_oid

from ... import dates
from ...calendrier.jours import FERMETURE
from ...familles.resources import IEnfant
from ...i18n import _
from ...inscriptions import annees, cle, inscrits
from ...journal import audit
from ...security import P
from ...structures.resources import IPrestation
from .. import cells, places, regles, service
from ..legende import ETATS, GENRES

# The cells of a booked day, and those of a day without reservation, that
# the attendance sheet (``pointage``) changes; any other cell (a request being processed,
# a holiday, an error...) is left alone.
RESERVES = frozenset(
    (cells.RESERVE, cells.PRESENT_RESERVE, cells.ABSENT_FACTURE, cells.ABSENT_EXCUSE)
)
SANS_RESERVATION = frozenset((None, cells.PRESENT))
POINTABLES = RESERVES | SANS_RESERVATION


def alertes(enfant):
    """The health alerts of the child's file (TranslationStrings):
    allergies, PAI, diet."""
    sanitaires = enfant.sanitaires or {}
    found = []
    allergies = (sanitaires.get("allergies") or "").strip()
    if allergies:
        found.append(_("Allergies : ${allergies}", mapping={"allergies": allergies}))
    if sanitaires.get("pai") == "Oui":
        precisions = (sanitaires.get("pai_precisions") or "").strip()
        found.append(
            _("PAI : ${precisions}", mapping={"precisions": precisions}) if precisions else _("PAI")
        )
    regime = sanitaires.get("regime_alimentaire")
    if regime and regime != "Aucun":
        found.append(_("Régime : ${regime}", mapping={"regime": regime}))
    return found


class Journee:
    """One day of one prestation, as the two tabs show it."""

    def __init__(self, prestation, request, day):
        self.prestation = prestation
        self.request = request
        self.day = day
        self.oid = get_oid(prestation)
        self.annee = next((a for a in annees(prestation) if a.debut <= day <= a.fin), None)
        genre = service.genre_du_jour(prestation, prestation, day, request.registry.settings)
        self.genre = genre
        self.ouvre = regles.ouvre(prestation, day, genre)
        self.fermeture = None
        if genre == FERMETURE:
            calendrier = find_root(prestation)["calendrier"]
            self.fermeture = calendrier.fermeture_du(day, get_oid(prestation.structure, None))
        self.annulees = 0  # bookings a closure cancelled (``lignes``)

    def enfants(self):
        """{enfant oid: Enfant} of the children enrolled that day (the
        index of the school year, then each child's own inscription)."""
        if self.annee is None:
            return {}
        objectmap = find_objectmap(self.prestation)
        libelle = self.annee.libelle
        found = {}
        for oid in inscrits(self.prestation, libelle):
            enfant = objectmap.object_for(oid)
            if enfant is None or not IEnfant.providedBy(enfant):
                continue  # removed since
            inscription = enfant.inscriptions.get(cle(libelle, self.oid))
            if inscription is None:
                continue
            if inscription.debut is not None and self.day < inscription.debut:
                continue
            if enfant.partie_le is not None and self.day > enfant.partie_le:
                continue  # left the service (archived) before that day
            found[oid] = enfant
        return found

    def ligne(self, oid, enfant, etat):
        translate = self.request.localizer.translate
        famille = enfant.__parent__.__parent__
        sante = alertes(enfant)
        if sante:
            # Health data shown: audited (a write on GET, on purpose).
            audit.noter(self.request, famille, audit.SANITAIRES, enfant)
        return {
            "oid": oid,
            "famille": famille.numero,
            "nom": enfant.nom,
            "prenom": enfant.prenom,
            "etat": etat,
            "libelle": translate(ETATS[etat][1]) if etat in ETATS else "",
            "reserve": etat in RESERVES,
            "pointable": etat in POINTABLES,
            "present": etat in (cells.PRESENT, cells.PRESENT_RESERVE),
            "absent": etat in (cells.ABSENT_FACTURE, cells.ABSENT_EXCUSE),
            "alertes": [translate(a) for a in sante],
            "url": self.request.sdiapi.mgmt_path(enfant, "@@properties"),
        }

    def lignes(self, excuses=False):
        """(the expected children's rows, the other enrolled children's
        rows that may be added as present), sorted by name; with
        ``excuses``, the children absent excusé among the expected ones
        (the attendance sheet corrects them)."""
        attendus, autres = [], []
        for oid, enfant in self.enfants().items():
            etat = cells.etat(enfant, self.oid, self.day)
            if etat in cells.OCCUPANTS or (excuses and etat == cells.ABSENT_EXCUSE):
                attendus.append(self.ligne(oid, enfant, etat))
            elif etat is None:
                autres.append(self.ligne(oid, enfant, etat))
            elif etat == cells.FERMETURE:
                self.annulees += 1

        def order(row):
            return (row["nom"], row["prenom"], row["famille"])

        return sorted(attendus, key=order), sorted(autres, key=order)

    def attente(self):
        rows = []
        for rang, demande in enumerate(service.liste_attente(self.prestation, self.day), 1):
            enfant = demande.objet_enfant()
            rows.append(
                {
                    "rang": rang,
                    "famille": demande.numero_famille,
                    "nom": enfant.nom if enfant is not None else "",
                    "prenom": enfant.prenom if enfant is not None else demande.nom_enfant,
                    "date": dates.moment(demande.date_demande),
                }
            )
        return rows

    def resume(self):
        translate = self.request.localizer.translate
        genre = GENRES.get(self.genre)
        return {
            "jour": self.day.isoformat(),
            "jour_texte": dates.en_toutes_lettres(self.day),
            "ouvre": self.ouvre,
            "genre": translate(genre[1]) if genre else "",
            "annee": self.annee.libelle if self.annee is not None else None,
            "fermeture": self.fermeture.motif if self.fermeture is not None else None,
            "annulees": self.annulees,
        }


class _Onglet:
    vue = ""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def url(self, day=None, vue=None):
        path = self.request.sdiapi.mgmt_path(self.context, "@@%s" % (vue or self.vue))
        return path + ("?" + urlencode({"date": day.isoformat()}) if day else "")

    def jour_demande(self):
        """(the day asked for, a French error or None): today when the
        query string holds no valid date."""
        value = self.request.GET.get("date")
        if not value:
            return dates.today(), None
        day = dates.lire_iso(value)
        if day is None:
            return dates.today(), self.request.localizer.translate(
                _("Date invalide : la date du jour est affichée (format AAAA-MM-JJ).")
            )
        return day, None

    def entete(self, journee, erreur):
        un_jour = datetime.timedelta(days=1)
        values = journee.resume()
        values.update(
            {
                "action": self.url(),
                "precedent": self.url(journee.day - un_jour),
                "suivant": self.url(journee.day + un_jour),
                "erreur_date": erreur,
                "prestation": self.context,
            }
        )
        return values


@mgmt_view(
    context=IPrestation,
    name="effectifs",
    tab_title=_("Effectifs"),
    permission=P.PLANNING_VOIR,
    renderer="portail_famille.planning:templates/effectifs.pt",
)
class EffectifsView(_Onglet):
    """The expected children of a day, the places and the waiting list."""

    vue = "effectifs"

    def __call__(self):
        day, erreur = self.jour_demande()
        journee = Journee(self.context, self.request, day)
        attendus, _autres = journee.lignes()
        values = self.entete(journee, erreur)
        values.update(
            {
                "attendus": attendus,
                "pris": places.pris(self.context, day),
                "capacite": self.context.capacite,
                "attente": journee.attente(),
                "pointage": self.url(day, "pointage"),
                "liste": self.url(day, "liste-du-jour"),
            }
        )
        return values
