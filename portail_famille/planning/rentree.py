"""The next school year in one action: re-enrol the children of year N in
year N+1 with the same prestations and weekdays (``reinscrire``), after a
preview (``apercu``) that says who, what and how many, and why a child or
an enrolment is left out.

A child leaves (nothing is created for it) when it or its family is
archived (``departs``), when it is in the last class of the école
élémentaire (``CLASSES_SORTANTES``: next year, collège), when it is
``age_max`` or older on the first day of year N+1 (setting
``portail.reinscription.age_max``, AGE_MAX by default), or when the agent
ticked it out.  An enrolment is left out when its prestation no longer
exists or opens no day in year N+1; a weekday of the regular contract the
prestation no longer opens is dropped, with a warning.

Each new enrolment is made by ``inscriptions.inscrire`` and its regular
contract booked by ``planning.service.reserver_contrat``, as when an agent
enrols a child by hand: days that already have a cell are left as they
are, and an enrolment that exists in year N+1 is never made again, so a
second run creates nothing.  Each child re-enrolled is journaled
(``REINSCRIPTION``).  On a large town the run goes by batches of
``LOT`` children (one transaction each, the agent clicks "Continuer"):
the confirmation checks the whole preview's signature once, applies the
first batch and keeps the children left with what the preview decided for
each (a ``Suite`` on the Familles folder); each next batch (``continuer``)
reads only its own children again and skips (and counts) one whose plan
changed, left or was removed, so that a batch costs its children, not the
town, and applies nothing the agent did not see.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from persistent import Persistent
from pyramid.traversal import find_root
from substanced.util import get_oid

from .. import dates, journal
from ..calendrier.jours import genres, zone_vacances
from ..familles.resources import IEnfant
from ..i18n import _
from ..inscriptions import annees, cle, inscrire, inscrits, libelle_jours, prestations_par_oid
from ..util import objet
from .regles import jours_ouverts
from .service import reserver_contrat

AGE_MAX = 12  # a child of 12 or more on the first day of N+1 leaves
CLASSES_SORTANTES = frozenset({"CM2"})
LOT = 500  # children re-enrolled per request (``reinscrire``)
REINSCRIPTION = "Reinscription"  # the journal's action
ATTRIBUT_SUITE = "suite_reinscription"  # the Familles folder's Suite (``reinscrire``)


def age_max(settings):
    value = (settings or {}).get("portail.reinscription.age_max")
    return int(value) if value else AGE_MAX


def annee_precedente(context, cible):
    """The school year just before ``cible`` (an AnneeScolaire), or None."""
    found = [a for a in annees(context) if a.fin < cible.debut]
    return found[-1] if found else None


@dataclass
class Reprise:
    """One enrolment of year N to make again in year N+1."""

    prestation: object
    jours: frozenset
    contrat: list  # the days the contract books in N+1 (before existing cells)
    existe: bool  # already enrolled in N+1: nothing to create

    @property
    def oid(self):
        return get_oid(self.prestation)

    @property
    def journees(self):
        return len(self.contrat)


@dataclass
class Ligne:
    """A child of year N: ``reprises`` (what is made again) or ``raison``
    (why it leaves)."""

    famille: object
    enfant: object
    reprises: list = field(default_factory=list)
    raison: object = None
    exclu: bool = False  # ticked out by the agent

    @property
    def oid(self):
        return get_oid(self.enfant)

    @property
    def a_creer(self):
        return [r for r in self.reprises if not r.existe]

    def parts(self):
        """What the preview decided for the child: each prestation with its
        weekdays (the plan's part in ``Apercu.signature``)."""
        return ["%s:%s:%s" % (self.oid, r.oid, "".join(sorted(r.jours))) for r in self.reprises]

    def empreinte(self):
        """A digest of ``parts``, kept for the continuation's check."""
        return hashlib.sha256("|".join(self.parts()).encode()).hexdigest()[:16]


@dataclass
class Apercu:
    source: object  # AnneeScolaire N
    cible: object  # AnneeScolaire N+1
    debut: datetime.date  # the new enrolments' first day
    lignes: list  # Ligne of the children who stay, by family and name
    sortants: list  # Ligne of the children who leave
    avertissements: list  # French messages
    introuvables: list  # family numbers typed that do not exist

    @property
    def a_reinscrire(self):
        return [ligne for ligne in self.lignes if ligne.a_creer]

    @property
    def inscriptions(self):
        return sum(len(ligne.a_creer) for ligne in self.lignes)

    @property
    def journees(self):
        return sum(r.journees for ligne in self.lignes for r in ligne.a_creer)

    @property
    def deja(self):
        """Enrolments that exist in N+1 already (a run done before)."""
        return sum(len(ligne.reprises) - len(ligne.a_creer) for ligne in self.lignes)

    def par_prestation(self):
        """[(Prestation, children, days)] of what is to be created."""
        found = {}
        for ligne in self.lignes:
            for reprise in ligne.a_creer:
                row = found.setdefault(reprise.oid, [reprise.prestation, 0, 0])
                row[1] += 1
                row[2] += reprise.journees
        return sorted(
            (tuple(row) for row in found.values()),
            key=lambda r: (str(r[0].structure.title), str(r[0].title)),
        )

    def signature(self):
        """A digest of the plan (who, which prestation, which weekdays,
        who leaves), the same before and after a batch: the confirmation
        applies what the agent saw, else shows the preview again."""
        parts = [self.source.libelle, self.cible.libelle]
        for ligne in self.lignes:
            parts += ligne.parts()
        parts += ["-%s" % ligne.oid for ligne in self.sortants]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def lire_numeros(texte):
    """The family numbers typed (one per line, or separated by spaces,
    commas or semicolons), in order, without repeats."""
    found = []
    for part in (texte or "").replace(",", " ").replace(";", " ").split():
        if part not in found:
            found.append(part)
    return found


class _Ouvertures:
    """The days of N+1 each prestation opens, computed once per
    prestation (the calendar read once per structure)."""

    def __init__(self, calendrier, cible, debut, zone):
        self.calendrier = calendrier
        self.jours = [
            debut + datetime.timedelta(days=n) for n in range((cible.fin - debut).days + 1)
        ]
        self.zone = zone
        self._genres = {}
        self._ouverts = {}
        self._contrats = {}

    def ouverts(self, prestation):

        oid = get_oid(prestation)
        if oid not in self._ouverts:
            structure = prestation.structure
            key = get_oid(structure, None)
            if key not in self._genres:
                self._genres[key] = genres(self.calendrier, self.jours, structure, self.zone)
            self._ouverts[oid] = jours_ouverts(prestation, self._genres[key])
        return self._ouverts[oid]

    def du_contrat(self, prestation, jours):
        """The days the contract of weekdays ``jours`` books in N+1 from
        the enrolments' start, in order (``planning.service.jours_du_contrat``)."""
        key = (get_oid(prestation), frozenset(jours))
        if key not in self._contrats:
            self._contrats[key] = sorted(
                d for d in self.ouverts(prestation) if str(d.isoweekday()) in jours
            )
        return self._contrats[key]


def _enfants_de(root, source, numeros):
    """[(Famille, Enfant)] of the children enrolled in ``source`` (a
    libellé): of the families ``numeros`` when given, else of the town,
    read through the prestations' indexes of enrolled children."""
    if numeros is not None:
        familles = root["familles"]
        found = []
        for numero in numeros:
            famille = familles.get(numero)
            enfants = famille.get("enfants") if famille is not None else None
            for enfant in enfants.values() if enfants is not None else ():
                if any(i.annee == source for i in enfant.inscriptions.values()):
                    found.append((famille, enfant))
        return found
    oids = set()
    for prestation in prestations_par_oid(root).values():
        oids.update(inscrits(prestation, source))
    found = []
    for oid in sorted(oids):
        enfant = objet(root, oid)
        if IEnfant.providedBy(enfant):
            found.append((enfant.__parent__.__parent__, enfant))
    return found


def _raison(famille, enfant, cible, age_limite):
    """Why the child leaves (a French message), or None."""
    if enfant.partie_le is not None or famille.partie_le is not None:
        partie = enfant.partie_le or famille.partie_le
        return _("Parti(e) le ${date}", mapping={"date": dates.courte(partie)})
    if (enfant.classe or "").strip().upper() in CLASSES_SORTANTES:
        return _("En ${classe} : entre au collège", mapping={"classe": enfant.classe.strip()})
    age = dates.age(enfant.date_naissance, cible.debut)
    if age is not None and age >= age_limite:
        return _("${age} ans à la rentrée", mapping={"age": age})
    return None


class _Calcul:
    """What the preview decides for one child (``ligne``), the warnings
    gathered on the way; shared by the preview and the continuation."""

    def __init__(self, root, cible, settings):
        self.cible = cible
        # A run after the year began enrols from today: no day gone is booked.
        self.debut = max(cible.debut, dates.today())
        self.ouvertures = _Ouvertures(
            root["calendrier"], cible, self.debut, zone_vacances(settings)
        )
        self.par_oid = prestations_par_oid(root)
        self.limite = age_max(settings)
        self.fermes = {}  # prestation oid -> (Prestation, weekdays dropped)
        self.vides = {}  # prestation oid -> Prestation opening no day in N+1
        self.supprimees = 0

    def ligne(self, famille, enfant, source, exclus=()):
        """The Ligne of ``enfant`` (enrolled in ``source``, a libellé)."""
        raison = _raison(famille, enfant, self.cible, self.limite)
        exclu = raison is None and get_oid(enfant) in exclus
        if exclu:
            raison = _("Exclu(e) par l'agent")
        ligne = Ligne(famille, enfant, raison=raison, exclu=exclu)
        if ligne.raison is not None:
            return ligne
        for inscription in enfant.inscriptions.values():
            if inscription.annee != source:
                continue
            prestation = self.par_oid.get(inscription.prestation)
            if prestation is None:
                self.supprimees += 1
                continue
            if not self.ouvertures.ouverts(prestation):
                self.vides[inscription.prestation] = prestation
                continue
            jours = frozenset(j for j in inscription.jours if j in prestation.jours)
            if jours != inscription.jours:
                self.fermes.setdefault(inscription.prestation, (prestation, set()))[1].update(
                    inscription.jours - jours
                )
            ligne.reprises.append(
                Reprise(
                    prestation,
                    jours,
                    self.ouvertures.du_contrat(prestation, jours),
                    cle(self.cible.libelle, inscription.prestation) in enfant.inscriptions,
                )
            )
        return ligne

    def avertissements(self):
        found = []
        for prestation in sorted(self.vides.values(), key=_nom):
            found.append(
                _(
                    "« ${prestation} » n'ouvre aucun jour en ${annee} : ses inscrits n'y sont "
                    "pas réinscrits (vérifiez ses jours et périodes d'ouverture).",
                    mapping={"prestation": _nom(prestation), "annee": self.cible.libelle},
                )
            )
        for prestation, jours in sorted(self.fermes.values(), key=lambda v: _nom(v[0])):
            found.append(
                _(
                    "« ${prestation} » n'ouvre plus le ${jours} : ce jour est retiré des "
                    "contrats réguliers.",
                    mapping={"prestation": _nom(prestation), "jours": libelle_jours(jours)},
                )
            )
        if self.supprimees:
            found.append(
                _(
                    "${nombre} inscription(s) à une prestation supprimée ne sont pas reprises.",
                    mapping={"nombre": self.supprimees},
                )
            )
        return found


def apercu(context, cible, numeros=None, exclus=(), settings=None):
    """What re-enrolling in ``cible`` (the AnneeScolaire N+1) makes, nothing
    written; ``numeros``: the families chosen (None: all); ``exclus``: the
    oids of the children the agent ticked out."""
    root = find_root(context)
    source = annee_precedente(context, cible)
    if source is None:
        return None
    exclus = set(exclus)
    calcul = _Calcul(root, cible, settings)
    introuvables = [n for n in numeros or () if n not in root["familles"]]
    lignes, sortants = [], []
    for famille, enfant in _enfants_de(root, source.libelle, numeros):
        ligne = calcul.ligne(famille, enfant, source.libelle, exclus)
        (sortants if ligne.raison is not None else lignes).append(ligne)
    cle_tri = lambda ligne: (ligne.famille.__name__, ligne.enfant.prenom, ligne.oid)  # noqa: E731
    return Apercu(
        source,
        cible,
        calcul.debut,
        sorted(lignes, key=cle_tri),
        sorted(sortants, key=cle_tri),
        calcul.avertissements(),
        introuvables,
    )


def _nom(prestation):
    return "%s — %s" % (prestation.structure.title, prestation.title)


def _appliquer(lignes, cible, debut, request):
    """Create the enrolments ``lignes`` show and book their contracts;
    (children re-enrolled, enrolments made, days booked)."""
    settings = request.registry.settings
    enfants = inscriptions_ = journees = 0
    for ligne in lignes:
        faites = jours_ = 0
        for reprise in ligne.a_creer:
            if cle(cible.libelle, reprise.oid) in ligne.enfant.inscriptions:
                continue  # made meanwhile
            inscription = inscrire(ligne.enfant, reprise.oid, cible.libelle, debut, reprise.jours)
            jours_ += reserver_contrat(
                ligne.enfant,
                inscription,
                settings,
                prestation=reprise.prestation,
                jours=reprise.contrat,
            )
            faites += 1
        if faites:
            journal.noter(
                request,
                REINSCRIPTION,
                ligne.enfant,
                famille=ligne.famille,
                enfant=ligne.enfant,
                ecran=request.path,
                details={
                    "annee": cible.libelle,
                    "inscriptions": faites,
                    "journees": jours_,
                },
            )
            enfants += 1
            inscriptions_ += faites
            journees += jours_
    return enfants, inscriptions_, journees


class _Enfants(Persistent):
    """The children left by the first batch, written once (a batch moves
    only its Suite's position)."""

    def __init__(self, enfants):
        self.enfants = tuple(enfants)  # (child's oid, Ligne.empreinte)


class Suite(Persistent):
    """A run going on: the preview's signature the agent confirmed, the
    year, and the children the preview showed that no batch took yet."""

    def __init__(self, signature, cible, enfants):
        self.signature = signature
        self.cible = cible  # the AnneeScolaire's libellé
        self.liste = _Enfants(enfants)
        self.position = 0

    @property
    def restants(self):
        return len(self.liste.enfants) - self.position


def suite_de(familles):
    """The run going on in the Familles folder, or None."""
    return getattr(familles, ATTRIBUT_SUITE, None)


def reinscrire(apercu_, request, familles, lot=None):
    """Create what ``apercu_`` shows, for at most ``lot`` children; the
    others are kept in ``familles``'s Suite for ``continuer`` (or it is
    removed: nothing left).  Returns (children re-enrolled, enrolments made,
    days booked, children left for the next batch)."""
    a_faire = apercu_.a_reinscrire
    lot = LOT if lot is None else lot
    fait = _appliquer(a_faire[:lot], apercu_.cible, apercu_.debut, request)
    restants = [(ligne.oid, ligne.empreinte()) for ligne in a_faire[lot:]]
    if restants:
        setattr(
            familles,
            ATTRIBUT_SUITE,
            Suite(apercu_.signature(), apercu_.cible.libelle, restants),
        )
    elif suite_de(familles) is not None:
        setattr(familles, ATTRIBUT_SUITE, None)
    return fait + (len(restants),)


def continuer(familles, suite, cible, request, lot=None):
    """The next batch of ``suite`` (of ``familles``): only its children,
    each checked again (a child whose plan changed since the preview, who
    left or was removed, is skipped, never applied); returns (children
    re-enrolled, enrolments made, days booked, children skipped, children
    left)."""
    root = find_root(familles)
    source = annee_precedente(familles, cible)
    calcul = _Calcul(root, cible, request.registry.settings)
    lot = LOT if lot is None else lot
    prises = suite.liste.enfants[suite.position : suite.position + lot]
    lignes = []
    for oid, empreinte in prises:
        enfant = objet(root, oid)
        if not IEnfant.providedBy(enfant) or source is None:
            continue
        ligne = calcul.ligne(enfant.__parent__.__parent__, enfant, source.libelle)
        if ligne.raison is None and ligne.empreinte() == empreinte:
            lignes.append(ligne)
    fait = _appliquer(lignes, cible, calcul.debut, request)
    suite.position += len(prises)
    if not suite.restants:
        setattr(familles, ATTRIBUT_SUITE, None)
    return fait + (len(prises) - len(lignes), suite.restants)
