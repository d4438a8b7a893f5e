"""A Prestation's "Pointage" tab: the attendance sheet of a day, made for a
tablet in the agent's hand on a real morning.

- One tap per child: Présent, Absent facturé or Absent excusé (its reason
  asked beside it) for a booked day; Présent or Absent for a child who
  came without reservation (marked absent, the place is given back).
- Arrival and departure times for a prestation billed by the hour
  (``horaires``: what the invoice bills).
- A walk-in: a child present without a reservation, chosen among the
  children enrolled in the prestation or found in the town by name (the
  families' search, ``familles.catalog``); a child of the town not
  enrolled is enrolled that school year from that day, with no contract
  day, then pointed present.
- Same-day and later corrections: every change goes through
  ``service.changer`` (so a billed day is regularised by the money
  domain), and each child's change is journaled ("Pointage enregistré":
  the day, the prestation, the states, the times; never the reason of an
  absence, which may be about health).

Input a person types wrongly (a time, a missing reason) is answered on
the sheet itself, beside the field, with what was typed; a forged post
(an unknown child or choice, a bad date) is refused whole, nothing
written.
"""

from pyramid.httpexceptions import HTTPFound
from substanced.sdi import mgmt_view
from substanced.util import find_catalog, get_oid

from ... import dates, journal
from ...calendrier.jours import FERMETURE
from ...catalogue import CATALOG
from ...familles.catalog import chercher
from ...familles.recherche import mots_requete, mots_texte
from ...familles.resources import IEnfant
from ...i18n import _
from ...inscriptions import InscriptionInvalide, cle, inscrire
from ...security import P
from ...structures.resources import IPrestation
from ...util import objet
from .. import POINTAGE_ENREGISTRE, cells, horaires, journees, service
from ..legende import ETATS
from .effectifs import Journee, _Onglet

PRESENT = "present"
ABSENT = "absent"  # absent facturé (a booked day), or no cell (a walk-in)
EXCUSE = "excuse"  # absent excusé: a booked day, with a reason
CHAMP = "presence-"  # POST fields of a row, suffixed by the child's oid
ARRIVEE = "arrivee-"
DEPART = "depart-"
MOTIF = "motif-"
AJOUT = "ajout"  # an enrolled child chosen in the list, added present
AJOUTER = "ajouter"  # a child of a search result, added present
RECHERCHE_MAX = 100  # characters of a search
RESULTATS_MAX = 20  # families read for a search of the town

# The cells of a booked day, and those of a day without reservation, that
# the sheet changes; any other cell (a request being processed, a
# holiday, an error...) is left alone.
RESERVES = frozenset(
    (cells.RESERVE, cells.PRESENT_RESERVE, cells.ABSENT_FACTURE, cells.ABSENT_EXCUSE)
)
SANS_RESERVATION = frozenset((None, cells.PRESENT))


def nouvel_etat(avant, choix):
    """The cell after the pointage ``choix`` of a child with cell
    ``avant`` (None: no cell); False for a choice that does not fit the
    cell (a forged post)."""
    if avant in RESERVES:
        return {
            PRESENT: cells.PRESENT_RESERVE,
            ABSENT: cells.ABSENT_FACTURE,
            EXCUSE: cells.ABSENT_EXCUSE,
        }.get(choix, False)
    if avant in SANS_RESERVATION:
        # A child marked present by mistake gives the place back.
        return {PRESENT: cells.PRESENT, ABSENT: None}.get(choix, False)
    return False


def _plie(enfant):
    return set(mots_texte("%s %s" % (enfant.nom, enfant.prenom)))


def correspond(enfant, prefixes):
    """Whether each of the query's folded words begins one of the child's
    names' words."""
    mots = _plie(enfant)
    return all(any(m.startswith(p) for m in mots) for p in prefixes)


class Feuille:
    """What the sheet of a day is made of, for the GET page and for a
    POST answered with its errors."""

    def __init__(self, vue, journee):
        self.vue = vue
        self.request = vue.request
        self.journee = journee
        self.par_heure = horaires.par_heure(vue.context)

    def lignes(self, saisie=None, erreurs=None):
        """The expected rows (with their times, reason, and what was typed
        when ``saisie``, the post, is given), the other enrolled ones."""
        attendus, autres = self.journee.lignes(excuses=True)
        enfants = self.journee.enfants()
        erreurs = erreurs or {}
        for row in attendus:
            releve = horaires.releve(enfants[row["oid"]], self.journee.oid, self.journee.day)
            arrivee, depart, motif = releve or ("", "", "")
            if row["etat"] == cells.ABSENT_EXCUSE:
                choix = EXCUSE
            elif row["absent"]:
                choix = ABSENT
            else:
                choix = PRESENT if row["present"] else ""
            if saisie is not None:
                key = str(row["oid"])
                choix = saisie.get(CHAMP + key, choix)
                arrivee = saisie.get(ARRIVEE + key, arrivee)
                depart = saisie.get(DEPART + key, depart)
                motif = saisie.get(MOTIF + key, motif)
            row.update(
                choix=choix,
                arrivee=arrivee,
                depart=depart,
                motif=motif,
                erreurs={
                    champ: erreurs[champ + str(row["oid"])]
                    for champ in (CHAMP, ARRIVEE, DEPART, MOTIF)
                    if champ + str(row["oid"]) in erreurs
                },
            )
        return attendus, autres

    def _enfant(self, oid):
        return objet(self.vue.context, oid)

    def recherche(self, requete, autres, attendus):
        """The children a search finds: the enrolled ones not expected,
        then those of the town's families (for a staff member who may
        search them), never one already on the sheet; rows with oid,
        names, family number and whether enrolled."""
        prefixes = mots_requete(requete)
        if not prefixes:
            return []
        found = []
        vus = {row["oid"] for row in attendus}
        for row in autres:
            enfant = self._enfant(row["oid"])
            if enfant is not None and correspond(enfant, prefixes):
                found.append(dict(row, inscrit=True))
                vus.add(row["oid"])
        root = self.request.root
        if not self.request.has_permission(P.FAMILLE_RECHERCHER, root):
            return found
        catalog = find_catalog(self.vue.context, CATALOG)
        _total, docids = chercher(catalog, requete, RESULTATS_MAX)
        inscription = cle(self.journee.annee.libelle, self.journee.oid)
        for docid in docids:
            famille = objet(self.vue.context, docid)
            enfants = famille.get("enfants") if famille is not None else None
            candidats = [
                e
                for e in (enfants.values() if enfants is not None else ())
                if IEnfant.providedBy(e)
                and e.partie_le is None
                and get_oid(e, None) not in vus
                and inscription not in e.inscriptions  # enrolled: listed above, or not pointable
            ]
            nommes = [e for e in candidats if correspond(e, prefixes)]
            for enfant in nommes or candidats:
                found.append(
                    {
                        "oid": get_oid(enfant),
                        "famille": famille.numero,
                        "nom": enfant.nom,
                        "prenom": enfant.prenom,
                        "inscrit": False,
                    }
                )
        return found


@mgmt_view(
    context=IPrestation,
    name="pointage",
    tab_title=_("Pointage"),
    permission=P.PLANNING_POINTER,
    renderer="portail_famille.planning:templates/pointage.pt",
    request_method="GET",
)
class PointageView(_Onglet):
    """The attendance sheet of a day (GET, ``?q=`` a walk-in's search);
    "Enregistrer le pointage" and "Ajouter (présent)" post it
    (``enregistrer``)."""

    vue = "pointage"

    def __call__(self):
        day, erreur = self.jour_demande()
        requete = self.request.GET.get("q", "")
        requete = requete.strip()[:RECHERCHE_MAX] if isinstance(requete, str) else ""
        return self.page(Journee(self.context, self.request, day), erreur, requete=requete)

    def page(self, journee, erreur=None, saisie=None, erreurs=None, requete=""):
        feuille = Feuille(self, journee)
        attendus, autres = feuille.lignes(saisie, erreurs)
        refus = self.refus(journee)
        values = self.entete(journee, erreur)
        values.update(
            {
                "attendus": attendus,
                "autres": autres,
                "par_heure": feuille.par_heure,
                "q": requete,
                "trouves": (
                    feuille.recherche(requete, autres, attendus)
                    if requete and journee.annee is not None
                    else []
                ),
                "erreurs": erreurs or {},
                "refus": refus and self.request.localizer.translate(refus),
                "csrf_token": self.request.session.get_csrf_token(),
            }
        )
        return values

    def refus(self, journee):
        """Why the day cannot be pointed (French), or None."""
        if journee.annee is None:
            return _("Aucune année scolaire ne comprend ce jour.")
        if journee.genre == FERMETURE:
            return _("Le service est fermé ce jour (Fermeture) : pas de pointage.")
        if not journee.ouvre:
            return _("La prestation n'ouvre pas ce jour : pas de pointage.")
        if journee.day > dates.today():
            return _("Ce jour n'est pas encore arrivé : le pointage se fait le jour même ou après.")
        return None

    def _echec(self, message, day=None):
        self.request.sdiapi.flash(message, "danger")
        return HTTPFound(self.url(day))

    @mgmt_view(
        context=IPrestation,
        name="pointage",
        permission=P.PLANNING_POINTER,
        request_method="POST",
        renderer="portail_famille.planning:templates/pointage.pt",
        tab_condition=False,
    )
    def enregistrer(self):
        post = self.request.POST
        day = dates.lire_iso(post.get("date"))
        if day is None:
            return self._echec(_("Date invalide : rien n'a été enregistré."))
        journee = Journee(self.context, self.request, day)
        refus = self.refus(journee)
        if refus is not None:
            return self._echec(refus, day)
        enfants = {str(oid): enfant for oid, enfant in journee.enfants().items()}
        choix = {}
        for name, value in post.items():
            if not name.startswith(CHAMP):
                continue
            key = name[len(CHAMP) :]
            if key not in enfants:
                return self._echec(_("Enfant ou choix inconnu : rien n'a été enregistré."), day)
            avant = cells.etat(enfants[key], journee.oid, day)
            if nouvel_etat(avant, value) is False:
                return self._echec(_("Enfant ou choix inconnu : rien n'a été enregistré."), day)
            choix[key] = value
        ajout = post.get(AJOUT, "") or post.get(AJOUTER, "")
        nouveau = None  # a child of the town to enrol
        if ajout:
            if ajout in enfants:
                possible = cells.etat(enfants[ajout], journee.oid, day) is None
            else:
                nouveau = self._a_inscrire(ajout)
                possible = nouveau is not None
            if not possible:
                return self._echec(
                    _("Cet enfant ne peut pas être ajouté au pointage : rien n'a été enregistré."),
                    day,
                )
        releves, erreurs = self.verifier(journee, enfants, choix)
        if erreurs:
            self.request.response.status = 400
            translate = self.request.localizer.translate
            erreurs = {k: translate(v) for k, v in erreurs.items()}
            self.request.sdiapi.flash(
                _("Le pointage n'a pas été enregistré : corrigez les champs signalés."), "danger"
            )
            return self.page(journee, saisie=post, erreurs=erreurs)
        if nouveau is not None:
            try:
                inscrire(nouveau, journee.oid, journee.annee.libelle, day)
            except InscriptionInvalide as error:
                return self._echec(next(iter(error.erreurs.values())), day)
            ajout = str(get_oid(nouveau))
            enfants[ajout] = nouveau
        if ajout:
            choix[ajout] = PRESENT
            if self.context.unite == horaires.HEURE and day == dates.today():
                # arrived now: the time of the tap
                releves[ajout] = (dates.now().strftime("%H:%M"), "", "")
        changes = self.appliquer(journee, enfants, choix, releves)
        self.request.sdiapi.flash(
            _(
                "Pointage enregistré pour le ${jour} : ${nombre} modification(s).",
                mapping={"jour": dates.courte(day), "nombre": changes},
            ),
            "success",
        )
        return HTTPFound(self.url(day))

    def _a_inscrire(self, value):
        """The child of the town ``value`` (an oid) names, when the agent
        may enrol it: else None."""
        try:
            enfant = objet(self.context, int(value))
        except (TypeError, ValueError):
            return None
        if not IEnfant.providedBy(enfant) or enfant.partie_le is not None:
            return None
        if not self.request.has_permission(P.PLANNING_TRAITER, enfant):
            return None
        return enfant

    def verifier(self, journee, enfants, choix):
        """({oid: (arrivee, depart, motif)} to record, {field: French
        message}) of the rows posted."""
        post = self.request.POST
        par_heure = horaires.par_heure(self.context)
        releves, erreurs = {}, {}
        for key, value in choix.items():
            enfant = enfants[key]
            avant = cells.etat(enfant, journee.oid, journee.day)
            ancien = horaires.releve(enfant, journee.oid, journee.day) or ("", "", "")
            arrivee = depart = motif = ""
            if value == EXCUSE:
                motif = " ".join((post.get(MOTIF + key) or "").split())
                if not motif and avant != cells.ABSENT_EXCUSE:
                    erreurs[MOTIF + key] = _("Indiquez le motif de l'absence excusée.")
                elif len(motif) > horaires.MOTIF_MAX:
                    erreurs[MOTIF + key] = _(
                        "Le motif ne peut pas dépasser ${max} caractères.",
                        mapping={"max": horaires.MOTIF_MAX},
                    )
                elif not motif:
                    motif = ancien[2]
            elif value == PRESENT and par_heure:
                arrivee, depart = self._heures(key, erreurs)
            facture = cells.facturees(enfant, journee.oid, journee.day, journee.day)
            if facture and par_heure and value == PRESENT and (arrivee, depart) != ancien[:2]:
                erreurs[ARRIVEE + key] = _(
                    "Ce jour est déjà facturé (facture ${numero}) : ses horaires ne "
                    "peuvent plus être modifiés ; la régie le corrige par un avoir.",
                    mapping={"numero": facture[journee.day]},
                )
            releves[key] = (arrivee, depart, motif)
        return releves, erreurs

    def _heures(self, key, erreurs):
        post = self.request.POST
        found = []
        for champ in (ARRIVEE, DEPART):
            texte = (post.get(champ + key) or "").strip()
            heure = horaires.lire_heure(texte) if texte else ""
            if heure is None:
                erreurs[champ + key] = _("Heure invalide : écrivez par exemple 07:30.")
                heure = ""
            found.append(heure)
        arrivee, depart = found
        if depart and not arrivee and ARRIVEE + key not in erreurs:
            erreurs[ARRIVEE + key] = _("Indiquez aussi l'heure d'arrivée.")
        elif arrivee and depart and horaires.duree(arrivee, depart) is None:
            erreurs[DEPART + key] = _("L'heure de départ doit être après l'heure d'arrivée.")
        return arrivee, depart

    def _etat(self, etat):
        """The legend's French name of a cell ("Absent excusé"), "—" for none."""
        return self.request.localizer.translate(ETATS[etat][1]) if etat in ETATS else "—"

    def appliquer(self, journee, enfants, choix, releves):
        """Record the rows; the number of children whose pointage changed.
        The times are recorded before the cell: a day of a billed period
        that becomes billable is debited with its hours."""
        day = journee.day
        changes = 0
        for key, value in choix.items():
            enfant = enfants[key]
            avant = cells.etat(enfant, journee.oid, day)
            apres = nouvel_etat(avant, value)
            arrivee, depart, motif = releves.get(key, ("", "", ""))
            note = horaires.noter(enfant, journee.oid, day, arrivee, depart, motif)
            if apres != avant:
                service.changer(enfant, self.context, day, apres, cause=cells.POINTAGE)
            if note:  # the hours the statistics count (a cell change told them already)
                journees.suivre(enfant, journee.oid, day)
            if note or apres != avant:
                changes += 1
                journal.noter(
                    self.request,
                    POINTAGE_ENREGISTRE,
                    enfant,
                    famille=enfant.__parent__.__parent__,
                    enfant=enfant,
                    ecran=self.request.path,
                    details={
                        "jour": dates.courte(day),
                        "prestation": "%s — %s"
                        % (self.context.structure.title, self.context.title),
                        "avant": self._etat(avant),
                        "apres": self._etat(apres),
                        "arrivee": arrivee,
                        "depart": depart,
                    },
                )
        return changes
