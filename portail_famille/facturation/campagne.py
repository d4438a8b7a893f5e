"""The monthly invoicing run of a régie ("campagne de facturation").

For a Régie and a period [debut, fin], the prestations billed to it, the
children enrolled in them (each prestation's index ``inscrits``, never every
family), each child's planning cells of the period (one range read per
prestation) give one invoice per family: one line per child, prestation and
unit price (the family's quotient familial on each billed day chooses the
price); a prestation billed by the hour counts each day's pointed hours
(``planning.horaires``), kept on the line beside its days.  ``apercu``
computes it without writing anything; ``valider`` issues the invoices,
by batches of families, each batch in its own transaction when a
transaction manager is given: its numbers are taken inside it, so they
stay gapless; a crash leaves billed what was committed,
and a new run bills only the rest (billed cells are never billed again).

A régie à terme échu (the default) bills days passed only: a period that
ends after today is refused; à terme à échoir, booked days are billed
ahead.  Each invoice also settles the family's pending regularisations
(``regularisation``): a day of an earlier period that became billable (a
line "Régularisation : …" at the day's tariff), a billed day that was not
any more (a negative line), unless the invoice would not stay positive:
those credits are then given back by credit notes.  The preview's digest
(``empreinte``) lets the SDI confirm exactly what was shown.

Given the request, the run also freezes each invoice (``pdf``): its HTML
is made in the batch's transaction, from the data as issued; the PDFs are
rendered after that transaction commits, several at a time, and kept in a
transaction of their own.  Rendering is the slow part (about 0.3 s an
invoice, 1.8x faster on two cores): held in the numbering transaction it
would make every payment recorded meanwhile at the régie (its sequence)
conflict with the batch, and the batch render again.  A batch whose PDFs
could not be made keeps its invoices, each frozen at its first download:
from its HTML as issued when the renderer failed, from the data as it is
then when the process stopped between the two transactions.

The SDI does not run ``valider``: its confirmation queues the run for the
workers (``travail``: the same ``Plan``, ``commencer`` and ``emettre``,
chunk by chunk, each chunk's PDFs sealed in its own transaction);
``valider`` is the run here and now, for the demo, the bench and scripts.
"""

import datetime
import hashlib
import random

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from substanced.util import find_objectmap, get_oid

from .. import dates
from ..calendrier.jours import ZONE_DEFAUT, genres
from ..familles import partage
from ..familles.resources import IEnfant
from ..i18n import _
from ..inscriptions import annees, inscrits
from ..montants import ZERO
from ..planning import cells, horaires
from ..retry import essayer
from ..util import objet
from . import compte, pdf, regularisation, service, tarifs
from .schemas import ECHOIR

# The cells billed, the days never billed (``regularisation``).
FACTURABLES = regularisation.FACTURABLES
FERMES = regularisation.FERMES
LOT = 250  # families per transaction of ``valider``
MAX_JOURS = 92  # a run covers at most about three months
CAMPAGNES = "campagnes"  # the Régie's record of its runs


def erreurs_periode(debut, fin, regie=None, aujourdhui=None):
    """{field: French message} of what is wrong with the period (of
    ``regie``: a régie à terme échu bills days passed only)."""
    found = {}
    if debut is None:
        found["debut"] = _("Date de début invalide (AAAA-MM-JJ ou jj/mm/aaaa).")
    if fin is None:
        found["fin"] = _("Date de fin invalide (AAAA-MM-JJ ou jj/mm/aaaa).")
    if found:
        return found
    if fin < debut:
        found["fin"] = _("La date de fin doit être après la date de début.")
    elif (fin - debut).days + 1 > MAX_JOURS:
        found["fin"] = _("La période ne peut pas dépasser trois mois.")
    elif regie is not None and regie.terme != ECHOIR:
        aujourdhui = aujourdhui or dates.today()
        if fin > aujourdhui:
            found["fin"] = _(
                "Facturation à terme échu : les jours qui ne sont pas encore passés ne "
                "peuvent pas être facturés. La période doit finir au plus tard le ${jour}.",
                mapping={"jour": dates.courte(aujourdhui)},
            )
    return found


class PeriodeInvalide(service.FacturationError):
    """``erreurs``: {field: French message}."""

    def __init__(self, erreurs):
        super().__init__(erreurs)
        self.erreurs = erreurs


def _verifier(debut, fin, regie=None, aujourdhui=None):
    found = erreurs_periode(debut, fin, regie, aujourdhui)
    if found:
        raise PeriodeInvalide(found)


def _prestations(root):
    structures = root.get("structures")
    if structures is None:
        return []
    return [
        prestation
        for structure in structures.values()
        if hasattr(structure, "prestations")
        for prestation in structure.prestations()
    ]


def prestations_de(root, regie):
    """[(oid, Prestation)] of the prestations billed by ``regie`` (by
    identity: its title may change), in the structures' order; ``regie``
    None: the prestations billed by no régie."""
    oid = None if regie is None else get_oid(regie)
    return [(get_oid(p), p) for p in _prestations(root) if p.regie_oid == oid]


def _jours(debut, fin):
    found, day = [], debut
    while day <= fin:
        found.append(day)
        day += datetime.timedelta(days=1)
    return found


class Proposition:
    """What a run gives one family: its invoice's ``lignes`` and the
    planning ``cellules`` they bill, the pending ``regularisations`` the
    invoice settles (debits billed, credits given back as negative lines,
    debits of days the period bills anyway) and ``avoirs``: the pending
    credits given back by credit notes instead, [(Regularisation, amount)],
    when the invoice would not stay positive with them."""

    def __init__(self):
        self.lignes = []
        self.cellules = []
        self.regularisations = []
        self.avoirs = []

    @property
    def montant(self):
        return sum((ligne["montant"] for ligne in self.lignes), ZERO)

    @property
    def montant_avoirs(self):
        return sum((montant for _reg, montant in self.avoirs), ZERO)

    def empreinte(self, famille):
        """What the family's part of a preview shows, as text (for the
        digest the confirmation carries)."""
        parts = [famille.__name__]
        for ligne in self.lignes:
            parts.append(
                "%s;%s;%s;%s;%s;%s;%s"
                % (
                    ligne.get("enfant_nom", ligne["enfant"]),
                    ligne["prestation_oid"],
                    ligne["quantite"],
                    ligne["prix"],
                    ligne["montant"],
                    ",".join(d.isoformat() for d in ligne.get("jours", ())),
                    ligne.get("regularisation", ""),
                )
            )
        parts += ["avoir;%s;%s" % (reg.cle, montant) for reg, montant in self.avoirs]
        return "|".join(parts)


class Plan:
    """What a run needs, read once: the régie's prestations, their closed
    days of the period, the families with their children to bill (each
    child with the oids of its prestations of the régie) and those with a
    pending regularisation, the prestations without tariff."""

    def __init__(self, root, regie, debut, fin, familles=True):
        self.regie = regie
        self.debut = debut
        self.fin = fin
        self.prestations = dict(prestations_de(root, regie))
        jours = _jours(debut, fin)
        calendrier = root["calendrier"]
        par_structure = {}
        self.fermes = {}
        for oid, prestation in self.prestations.items():
            structure = prestation.structure
            key = get_oid(structure, None)
            if key not in par_structure:
                # the zone only changes school holidays, which are billed
                kinds = genres(calendrier, jours, structure, zone=ZONE_DEFAUT)
                par_structure[key] = frozenset(d for d, g in kinds.items() if g in FERMES)
            self.fermes[oid] = par_structure[key]
        # the pending regularisations
        self.attente = regularisation.par_famille(regie)
        self.sans_tarif = []
        self.sans_regie = []
        self.familles = []
        if familles:
            self._familles(root)

    def _familles(self, root):
        """The families to bill (with their children), the prestations
        without tariff, those of no régie: what the whole run reads."""
        debut, fin = self.debut, self.fin
        libelles = [a.libelle for a in annees(root) if a.debut <= fin and a.fin >= debut]
        objectmap = find_objectmap(root)
        familles = {}
        trouves = {}  # child oid -> Enfant or None: one lookup per child
        # enrolled children in a prestation of no régie: billed by none
        self.sans_regie = [
            p
            for _oid, p in prestations_de(root, None)
            if any(inscrits(p, libelle) for libelle in libelles)
        ]
        for oid, prestation in self.prestations.items():
            enrolled = False
            for libelle in libelles:
                for enfant_oid in inscrits(prestation, libelle):
                    if enfant_oid not in trouves:
                        found = objectmap.object_for(enfant_oid)
                        trouves[enfant_oid] = found if IEnfant.providedBy(found) else None
                    enfant = trouves[enfant_oid]
                    if enfant is None:
                        continue
                    enrolled = True
                    # a shared child (familles.partage): each household
                    # is billed for the days it booked
                    for famille in partage.foyers_a_facturer(enfant):
                        enfants = familles.setdefault(famille.__name__, (famille, {}))[1]
                        enfants.setdefault(enfant.__name__, (enfant, []))[1].append(oid)
            if enrolled and not tarifs.tranches(prestation):
                self.sans_tarif.append(prestation)
        # the families of pending regularisations billed by nothing else
        for numero in self.attente:
            if numero not in familles and numero in root["familles"]:
                familles[numero] = (root["familles"][numero], {})
        self.familles = [familles[numero] for numero in sorted(familles)]

    def unites(self):
        """The families to bill as plain values, for a job's units (the
        workers': ``travail``): [(family number, ((child oid, (prestation
        oid, ...)), ...))]."""
        return [
            (
                famille.__name__,
                tuple((get_oid(enfant), tuple(oids)) for enfant, oids in enfants.values()),
            )
            for famille, enfants in self.familles
        ]

    def familles_de(self, root, unites):
        """The [(Famille, {child name: (Enfant, [prestation oid])})] of
        ``unites`` (``unites()``), read again: a family or child gone
        meanwhile is left out."""
        dossier = root["familles"]
        found = []
        for numero, enfants in unites:
            famille = dossier.get(numero)
            if famille is None:
                continue
            les_siens = {}
            for enfant_oid, oids in enfants:
                enfant = objet(root, enfant_oid)
                if IEnfant.providedBy(enfant):
                    oids = [oid for oid in oids if oid in self.prestations]
                    les_siens.setdefault(enfant.__name__, (enfant, []))[1].extend(oids)
            found.append((famille, les_siens))
        return found

    def avertissements(self):
        found = [
            _(
                "La prestation « ${prestation} » (${structure}) n'a pas de tarif : "
                "fixez ses tarifs (onglet Tarifs) avant de facturer.",
                mapping={"prestation": p.title, "structure": p.structure.title},
            )
            for p in self.sans_tarif
        ]
        found += [
            _(
                "La prestation « ${prestation} » (${structure}) a des inscrits mais n'est "
                "rattachée à aucune régie : aucune régie ne la facture (onglet Tarifs).",
                mapping={"prestation": p.title, "structure": p.structure.title},
            )
            for p in self.sans_regie
        ]
        return found

    def proposition(self, famille, enfants):
        """The family's Proposition for the period, from the database as it
        is now: what is not billed yet, and its pending regularisations."""
        debut, fin = self.debut, self.fin
        found = Proposition()
        attente = {
            (reg.enfant, reg.prestation_oid, reg.jour): reg
            for reg in self.attente.get(famille.__name__, ())
        }
        groupes = {}  # (child name, prestation oid, price) -> [days]
        quotients = {}
        ordre = {oid: n for n, oid in enumerate(self.prestations)}
        for nom, (enfant, oids) in sorted(enfants.items(), key=lambda i: i[1][0].title):
            tree = cells.cellules(enfant)
            if tree is None:
                continue
            partage_ = partage.plusieurs_payeurs(enfant)
            for oid in sorted(oids, key=ordre.get):
                prestation = self.prestations[oid]
                fermes = self.fermes[oid]
                billed = None
                for (_oid, day), etat in tree.items(min=(oid, debut), max=(oid, fin)):
                    if etat not in FACTURABLES or day in fermes:
                        continue
                    if partage_ and (
                        partage.foyer_de_la_cellule(enfant, oid, day) != famille.__name__
                    ):
                        continue  # the other household's day
                    if billed is None:
                        billed = service.facturees(enfant, oid, debut, fin)
                    if day in billed:
                        continue
                    if day not in quotients:
                        quotients[day] = compte.quotient_au(famille, day)
                    prix = tarifs.prix(prestation, quotients[day])
                    if prix is None:
                        continue  # refused up front (sans_tarif)
                    groupes.setdefault((nom, oid, prix), []).append(day)
                    reg = attente.get((nom, oid, day))
                    if reg is not None and reg.sens == regularisation.DEBIT:
                        del attente[(nom, oid, day)]
                        found.regularisations.append(reg)  # billed by the period itself
        for (nom, oid, prix), days in groupes.items():
            enfant, prestation = enfants[nom][0], self.prestations[oid]
            if horaires.par_heure(prestation):
                # billed by the hour: each day's hours, kept on the line
                heures = tuple(horaires.quantite(prestation, enfant, oid, d) for d in days)
                ligne = service.ligne(enfant, prestation, sum(heures), prix, oid)
                ligne["heures"] = heures
            else:
                ligne = service.ligne(enfant, prestation, len(days), prix, oid)
            ligne.update(enfant_nom=nom, jours=tuple(days))
            found.lignes.append(ligne)
            found.cellules.extend((nom, oid, day) for day in days)
        credits = []
        for reg in sorted(attente.values(), key=lambda r: (r.jour, r.cle)):
            if reg.sens == regularisation.CREDIT:
                credits.append((reg, regularisation.montant_credit(reg, famille)))
                continue
            if debut <= reg.jour <= fin:
                continue  # a day of the period: billed with it when billable
            a_facturer = regularisation.debit_facturable(reg, famille)
            if a_facturer is None:
                continue
            enfant, prestation, prix = a_facturer
            found.lignes.append(regularisation.ligne_debit(reg, enfant, prestation, prix))
            found.cellules.append((reg.enfant, reg.prestation_oid, reg.jour))
            found.regularisations.append(reg)
        if credits:
            if found.lignes and found.montant > sum((m for _r, m in credits), ZERO):
                for reg, montant in credits:
                    if montant > ZERO:
                        found.lignes.append(regularisation.ligne_credit(reg, montant))
                        found.regularisations.append(reg)
                    else:
                        found.avoirs.append((reg, montant))  # nothing left: closed
            else:
                found.avoirs.extend(credits)
        return found


def _famille_apercu(famille, proposition):
    return {
        "numero": famille.numero,
        "nom": famille.nom_complet or famille.title,
        "lignes": proposition.lignes,
        "avoirs": [
            regularisation.ligne_credit(reg, montant)
            for reg, montant in proposition.avoirs
            if montant > ZERO
        ],
        "montant": proposition.montant,
    }


def apercu(root, regie, debut, fin, limite=None, aujourdhui=None):
    """The run's preview, nothing written: {familles (the first ``limite``
    when given), nombre (invoices), lignes, cellules, total, avoirs
    (credit notes of regularisations) and their total, avertissements
    (French), sans_tarif (prestation titles), empreinte (a digest of all
    it would issue: the confirmation carries it)}."""
    _verifier(debut, fin, regie, aujourdhui)
    plan = Plan(root, regie, debut, fin)
    found = {
        "familles": [],
        "nombre": 0,
        "lignes": 0,
        "cellules": 0,
        "total": ZERO,
        "avoirs": 0,
        "total_avoirs": ZERO,
        "regularisations": 0,
    }
    digest = hashlib.sha256(("%s|%s|%s" % (get_oid(regie), debut, fin)).encode("utf-8"))
    jar = getattr(root, "_p_jar", None)
    for n, (famille, enfants) in enumerate(plan.familles):
        if jar is not None and n % LOT == LOT - 1:
            jar.cacheGC()  # nothing is changed: memory stays bounded
        proposition = plan.proposition(famille, enfants)
        avoirs = {}  # one credit note per invoice corrected
        for reg, montant in proposition.avoirs:
            if montant > ZERO:
                avoirs[reg.facture] = avoirs.get(reg.facture, ZERO) + montant
        if not proposition.lignes and not avoirs:
            continue
        digest.update(proposition.empreinte(famille).encode("utf-8"))
        row = _famille_apercu(famille, proposition)
        if proposition.lignes:
            found["nombre"] += 1
        found["lignes"] += len(proposition.lignes)
        found["cellules"] += len(proposition.cellules)
        found["total"] += row["montant"]
        found["avoirs"] += len(avoirs)
        found["total_avoirs"] += sum(avoirs.values(), ZERO)
        found["regularisations"] += len(proposition.regularisations) + len(proposition.avoirs)
        if limite is None or len(found["familles"]) < limite:
            found["familles"].append(row)
    found["avertissements"] = plan.avertissements()
    found["sans_tarif"] = [p.title for p in plan.sans_tarif]
    found["empreinte"] = digest.hexdigest()[:32]
    return found


class Campagne(Persistent):
    """The record of one run of a régie: its period, invoice date and due
    date, who ran it, the invoices issued (count, total, first and last
    numbers) and the credit notes of regularisations."""

    echeance = None
    avoirs = 0
    total_avoirs = ZERO
    cle = None  # its key among the régie's runs
    travail = None  # the id of its job, when the workers issue it (``travail``)
    a_figer = ()  # (family, number) of its documents issued without PDF (``travail``)

    def __init__(self, debut, fin, date, par, echeance=None):
        self.debut = debut
        self.fin = fin
        self.date = date
        self.echeance = echeance
        self.par = par
        self.lancee_le = dates.horodatage()
        self.factures = 0
        self.total = ZERO
        self.premier = ""
        self.dernier = ""
        self.terminee = False

    def noter(self, numeros, total, avoirs=()):
        if numeros:
            self.premier = self.premier or numeros[0]
            self.dernier = numeros[-1]
        self.factures += len(numeros)
        self.total += total
        if avoirs:
            self.avoirs += len(avoirs)
            self.total_avoirs += sum((a.montant for a in avoirs), ZERO)


def campagnes(regie):
    """The régie's runs, newest first."""
    tree = getattr(regie, CAMPAGNES, None)
    return list(reversed(tree.values())) if tree is not None else []


def commencer(regie, debut, fin, date, par="", echeance=None):
    """The run's record (a Campagne) added to the régie's, in the caller's
    transaction; from now on, a day of the period that becomes billable is
    billed by this run or the next one (``regularisation``)."""
    tree = getattr(regie, CAMPAGNES, None)
    if tree is None:
        tree = OOBTree()
        setattr(regie, CAMPAGNES, tree)
    campagne = Campagne(debut, fin, date, par, echeance)
    key = "%s %s %06d" % (campagne.lancee_le.isoformat(), par, random.randrange(10**6))  # noqa: S311
    campagne.cle = key
    tree[key] = campagne
    if regie.facturee_jusqua is None or regie.facturee_jusqua < fin:
        regie.facturee_jusqua = fin
    return campagne


def campagne_de(regie, cle):
    """The régie's run recorded under ``cle``, or None."""
    tree = getattr(regie, CAMPAGNES, None)
    return tree.get(cle) if tree is not None and isinstance(cle, str) else None


def emettre(plan, campagne, familles, registry=None):
    """Issue the invoices and credit notes of ``familles`` ([(Famille,
    children)] of ``plan``) in the caller's transaction, from the database
    as it is now (a day billed meanwhile is not billed again), noted on
    ``campagne``; returns the documents issued (credit notes first)."""
    regie, date, par = plan.regie, campagne.date, campagne.par
    factures, avoirs, total = [], [], ZERO
    for famille, enfants in familles:
        proposition = plan.proposition(famille, enfants)
        par_facture = {}
        for reg, _montant in proposition.avoirs:
            par_facture.setdefault(reg.facture, []).append(reg)
        for regs in par_facture.values():
            avoir = regularisation.crediter_par_avoir(
                regs, regie, date, par, registry=registry, figer=False
            )
            if avoir is not None:
                avoirs.append(avoir)
        if not proposition.lignes:
            continue
        facture = service.emettre_facture(
            famille,
            regie,
            date,
            plan.debut,
            plan.fin,
            proposition.lignes,
            proposition.cellules,
            echeance=campagne.echeance,
            par=par,
            registry=registry,
        )
        regularisation.appliquer(regie, famille, facture, proposition.regularisations)
        factures.append(facture)
        total += facture.montant
    campagne.noter([f.numero for f in factures], total, avoirs)
    return avoirs + factures


def verifier_plan(plan):
    """Raises FacturationError when a prestation of the run has no tariff."""
    if plan.sans_tarif:
        raise service.FacturationError(
            "Prestation(s) sans tarif : %s."
            % ", ".join("« %s »" % p.title for p in plan.sans_tarif)
        )


def valider(
    root,
    regie,
    debut,
    fin,
    date,
    par="",
    lot=LOT,
    tm=None,
    registry=None,
    request=None,
    echeance=None,
    aujourdhui=None,
):
    """Issue the period's invoices of ``regie`` (dated ``date``, due on
    ``echeance``: by default the régie's delay after it) and return the
    run's record (a Campagne), here and now (the demo, the bench, a
    script: the SDI queues the run for the workers, ``travail``).  With
    ``tm`` (a transaction manager), the record, then each batch of ``lot``
    families, is committed on its own (a batch that conflicts is done
    again from the database as it is then); without it, everything is in
    the caller's transaction.  With ``request``, each invoice is frozen
    (its PDF, see above).  Raises PeriodeInvalide (a régie à terme échu
    bills days passed only), or FacturationError when a prestation has no
    tariff."""
    _verifier(debut, fin, regie, aujourdhui)
    plan = Plan(root, regie, debut, fin)
    verifier_plan(plan)
    campagne = essayer(tm, lambda: commencer(regie, debut, fin, date, par, echeance))

    def lot_(familles):
        documents = emettre(plan, campagne, familles, registry)
        return pdf.preparer(request, documents) if request is not None else []

    for start in range(0, len(plan.familles), lot):
        batch = plan.familles[start : start + lot]
        prepares = essayer(tm, lambda batch=batch: lot_(batch))
        if prepares:
            pdf.figer(request, prepares, tm)

    def terminer():
        campagne.terminee = True

    essayer(tm, terminer)
    return campagne
