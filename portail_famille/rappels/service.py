"""The reminders: their kinds, who receives them, which are due, and
sending one.

Four kinds (``SORTES``), each chosen per channel (mail, SMS) by the family
in Mon compte > "Mes rappels":

- ``cantine``: a child enrolled in the canteen (a prestation billed per
  meal) has no day of next week booked while bookings are still open;
  computed by the batch (``cantine_dues``) from the planning's own
  deadline rules (``planning.regles.limite_reservation``);
- ``demande``: a pending request was answered (accepted or refused),
  queued by ``demande_traitee`` when it happens;
- ``facture``: an invoice was issued, queued by ``facture_emise``;
- ``echeance``: an invoice still owing is due within
  ``portail.rappels.echeance_jours`` days (3), computed by the batch.

A channel is offered only where the family accepts it: mail where the
responsable's "Autorisation courriel" is Oui and an address exists
(``messagerie.destinataires``, as every mail of the portal); SMS where a
parent's "Autorisation SMS" is Oui and his mobile is a mobile number.

Sending (``envoyer``) is for the batch (``script``), never a request: see
there for the order of commits that makes it at most once.
"""

import datetime
import logging
from decimal import Decimal

from babel.dates import format_date
from pyramid.threadlocal import get_current_registry
from substanced.util import get_oid

from .. import courriels, dates
from ..adresses import url_absolue
from ..calendrier.jours import genres, zone_vacances
from ..demandes.resources import ACCEPTEE, REFUSEE
from ..facturation.resources import IFacture
from ..familles import partage
from ..i18n import _
from ..inscriptions import prestations_par_oid
from ..messagerie.service import destinataires
from ..montants import euros
from ..planning import cells, regles
from . import sms as sms_
from .resources import A_ENVOYER, CADUC, ECHEC, EN_COURS, ENVOYE, Envoi, rappels

log = logging.getLogger(__name__)

CANTINE = "cantine"
DEMANDE = "demande"
FACTURE = "facture"
ECHEANCE = "echeance"
SORTES = {
    CANTINE: _("La cantine de la semaine prochaine n'est pas réservée"),
    DEMANDE: _("Une demande en attente a reçu une réponse"),
    FACTURE: _("Une nouvelle facture est émise"),
    ECHEANCE: _("Une facture arrive à échéance"),
}
COURRIEL = "courriel"
SMS = "sms"
CANAUX = {COURRIEL: _("Par courriel"), SMS: _("Par SMS")}
# The channels of each kind: the answer to a request is already mailed by
# the request's own cycle (demandes.cycle.prevenir, the closure's and the
# freed place's mails): a reminder by mail would be a second mail.
CANAUX_DE = {sorte: tuple(CANAUX) for sorte in SORTES}
CANAUX_DE[DEMANDE] = (SMS,)
UNITE_CANTINE = "repas"  # the canteen: the prestation billed per meal
ECHEANCE_JOURS = 3
# A request answered more than this ago is not reminded (told again later).
RECENTE = datetime.timedelta(days=1)
# A reminder done (sent, failed, no longer due, interrupted) is forgotten
# after this: no computation can make its key again (its week, its due
# date have passed; an invoice is added once, a request answered once).
CONSERVATION = datetime.timedelta(days=90)


def echeance_jours(settings):
    return int((settings or {}).get("portail.rappels.echeance_jours") or ECHEANCE_JOURS)


# --- Who receives them -----------------------------------------------------------


def numeros_sms(famille):
    """The E.164 mobiles of the family's parents (responsable, conjoint)
    whose Autorisation SMS is Oui."""
    found = []
    for personne in (famille.responsable, famille.conjoint):
        if not personne.get("autorisation_sms"):
            continue
        numero = sms_.e164(personne.get("mobile"))
        if numero and numero not in found:
            found.append(numero)
    return found


def sms_actif(registry=None):
    """Does the town send SMS (``portail.sms.transport`` set)?"""
    return sms_.sms(registry or get_current_registry()) is not None


def canaux_possibles(famille, registry=None):
    """{canal: True/False}: which channels the family may choose (SMS only
    where the town sends SMS: ``portail.sms.transport``)."""
    sms_possible = sms_actif(registry) and bool(numeros_sms(famille))
    return {COURRIEL: bool(destinataires(famille)), SMS: sms_possible}


def choix(famille):
    """The family's choices: frozenset of (sorte, canal) (none by default:
    reminders are opt-in)."""
    found = rappels(famille)
    return found.choix if found is not None else frozenset()


def choisir(famille, nouveaux, par):
    """Record the family's choices (``nouveaux``: (sorte, canal) pairs);
    raises ValueError on a channel the family may not choose."""
    nouveaux = frozenset(nouveaux)
    possibles = canaux_possibles(famille)
    for sorte, canal in nouveaux:
        if sorte not in SORTES or canal not in CANAUX_DE[sorte]:
            raise ValueError((sorte, canal))
        if not possibles[canal]:
            raise ValueError(canal)
    found = rappels(famille, creer=True)
    if found.choix != nouveaux:
        found.choix = nouveaux
        found.modifie_le = dates.horodatage()
        found.modifie_par = par
    return found


def canaux_de(famille, sorte):
    """The channels the family chose for ``sorte`` that it may still use."""
    chosen = choix(famille)
    possibles = canaux_possibles(famille)
    return tuple(
        canal for canal in CANAUX_DE[sorte] if (sorte, canal) in chosen and possibles[canal]
    )


# --- Queueing ------------------------------------------------------------------------


def mettre_en_file(famille, sorte, sujet, periode="", **valeurs):
    """Queue a reminder for the family when it chose that kind; the same
    key queued again is ignored.  Returns the Envoi, or None."""
    if not canaux_de(famille, sorte):
        return None
    envois = rappels(famille, creer=True).envois
    cle = (sorte, str(sujet), periode)
    if cle in envois:
        return None
    envoi = envois[cle] = Envoi(sorte, str(sujet), periode, valeurs)
    return envoi


def demande_traitee(demande, maintenant=None):
    """A request was accepted or refused (by an agent or the rules), now:
    a request answered long ago and told again (a later change) is not."""
    if demande.etat not in (ACCEPTEE, REFUSEE) or demande.date_traitement is None:
        return None
    maintenant = maintenant or dates.horodatage()
    if maintenant - demande.date_traitement > RECENTE:
        return None
    famille = demande.famille
    return mettre_en_file(
        famille,
        DEMANDE,
        demande.__name__,
        titre=str(demande.type.titre),
        acceptee=demande.etat == ACCEPTEE,
        motif=demande.motif_refus or "",
        date=demande.date_demande,
    )


def facture_emise(facture):
    famille = facture.__parent__.__parent__
    return mettre_en_file(
        famille,
        FACTURE,
        facture.numero,
        numero=facture.numero,
        montant=str(facture.montant),
        echeance=facture.echeance,
        date=facture.date,
    )


# --- What the batch finds due -----------------------------------------------------------


def lundi_suivant(jour):
    """The Monday of the week after ``jour``'s."""
    return jour + datetime.timedelta(days=7 - jour.weekday())


def semaine(lundi):
    """ "2026-W51": the ISO week of ``lundi``, a canteen reminder's period."""
    annee, numero, _jour = lundi.isocalendar()
    return "%d-W%02d" % (annee, numero)


def cantine_libre(ouverts, etats, limite_de, maintenant):
    """The deadline of a canteen week nobody booked, or None.

    ``ouverts``: the prestation's open days of the week; ``etats``: {day:
    the planning cell's state}; ``limite_de(day)``: until when the day may
    be booked (an aware datetime).  None when the week has no open day,
    when a day of it has a cell (booked, waiting, an absence: the family
    dealt with it; a closure of the service is not the family's), or when
    the deadline of every day has passed; else the deadline of the first
    day still bookable: "bookings close" then."""
    if not ouverts:
        return None
    if any(etats.get(day) not in (None, cells.FERMETURE) for day in ouverts):
        return None
    for day in sorted(ouverts):
        limite = limite_de(day)
        if limite > maintenant:
            return limite
    return None


def cantine_dues(famille, maintenant, calendrier, prestations, zone):
    """[(enfant, prestation, lundi, limite)] of the family's children
    enrolled in a canteen with nothing booked next week (``maintenant``: an
    aware datetime)."""
    lundi = lundi_suivant(dates.local(maintenant).date())
    jours = [lundi + datetime.timedelta(days=n) for n in range(7)]
    found = []
    # its own children and those it shares, each on the household's weeks
    for enfant in partage.enfants_du_foyer(famille):
        if getattr(enfant, "partie_le", None) is not None:
            continue
        for inscription in enfant.inscriptions.values():
            prestation = prestations.get(inscription.prestation)
            if prestation is None or prestation.unite != UNITE_CANTINE:
                continue
            annee = calendrier.get(inscription.annee)
            if annee is None:
                continue
            semaine_ = [
                d
                for d in jours
                if annee.debut <= d <= annee.fin
                and d >= inscription.debut
                and partage.peut_planifier(enfant, famille, d)
            ]
            if not semaine_:
                continue
            ouverts = regles.jours_ouverts(
                prestation, genres(calendrier, semaine_, prestation.structure, zone)
            )
            etats = {day: cells.etat(enfant, inscription.prestation, day) for day in ouverts}
            limite = cantine_libre(
                ouverts, etats, lambda d, p=prestation: regles.limite_reservation(p, d), maintenant
            )
            if limite is not None:
                found.append((enfant, prestation, lundi, limite))
    return found


def echeances_dues(famille, jour, jours):
    """The family's invoices still owing, due between ``jour`` and ``jours``
    days after (neither cancelled, nor debited, nor with the Trésor)."""
    fin = jour + datetime.timedelta(days=jours)
    found = []
    for document in famille["factures"].values():
        if not IFacture.providedBy(document) or document.annulee_par:
            continue
        if document.echeance is None or not jour <= document.echeance <= fin:
            continue
        if document.payee or document.hors_regie:
            continue
        found.append(document)
    return found


def calculer(famille, maintenant, calendrier, prestations, settings):
    """Queue the reminders the batch computes for ``famille`` (canteen,
    due dates) that are not in its outbox yet; returns how many."""
    n = 0
    if CANTINE in {sorte for sorte, _canal in choix(famille)} and calendrier is not None:
        zone = zone_vacances(settings)
        for enfant, prestation, lundi, limite in cantine_dues(
            famille, maintenant, calendrier, prestations, zone
        ):
            envoi = mettre_en_file(
                famille,
                CANTINE,
                "%s:%s" % (enfant.__name__, get_oid(prestation)),
                semaine(lundi),
                enfant=enfant.prenom,
                enfant_nom=enfant.__name__,
                prestation=get_oid(prestation),
                lundi=lundi,
                limite=limite.astimezone(datetime.UTC),
            )
            n += envoi is not None
    if ECHEANCE in {sorte for sorte, _canal in choix(famille)}:
        jour = dates.local(maintenant).date()
        for facture in echeances_dues(famille, jour, echeance_jours(settings)):
            envoi = mettre_en_file(
                famille,
                ECHEANCE,
                facture.numero,
                facture.echeance.isoformat(),
                numero=facture.numero,
                echeance=facture.echeance,
            )
            n += envoi is not None
    return n


def purger(famille, maintenant):
    """Forget the family's reminders done more than CONSERVATION ago (the
    outbox stays small; nothing personal is kept longer than needed)."""
    found = rappels(famille)
    if found is None:
        return 0
    limite = maintenant - CONSERVATION
    vieux = [
        cle
        for cle, envoi in found.envois.items()
        if envoi.etat not in (A_ENVOYER, EN_COURS) and envoi.cree_le < limite
    ]
    for cle in vieux:
        del found.envois[cle]
    return len(vieux)


def a_envoyer(famille):
    """The family's queued reminders, oldest first."""
    found = rappels(famille)
    if found is None:
        return []
    return sorted(
        (e for e in found.envois.values() if e.etat == A_ENVOYER), key=lambda e: e.cree_le
    )


def encore_vrai(famille, envoi, maintenant):
    """Is a computed reminder still true when its turn comes (a queued one
    may wait for a rerun after a crash)?  The week booked since, the
    deadline passed, the invoice paid."""
    valeurs = envoi.valeurs
    if envoi.sorte == CANTINE:
        if valeurs["limite"] <= maintenant:
            return False
        enfant = partage.enfant_du_foyer(famille, valeurs["enfant_nom"])
        if enfant is None or partage.garde_de(enfant, famille) is None:
            return False  # (no longer one of its children: a share ended)
        lundi = valeurs["lundi"]
        return not any(
            cells.etat(enfant, valeurs["prestation"], lundi + datetime.timedelta(days=n))
            not in (None, cells.FERMETURE)
            for n in range(7)
        )
    if envoi.sorte == ECHEANCE:
        facture = famille["factures"].get(valeurs["numero"])
        return facture is not None and not facture.payee and not facture.annulee_par
    return True


# --- The texts ----------------------------------------------------------------------------


def _jour(day):
    """ "lundi 12 octobre": a day of the coming days, mid-sentence."""
    return format_date(day, "EEEE d MMMM", locale="fr_FR")


def contenu(request, famille, envoi):
    """(mail template, its values, the SMS text) of ``envoi``."""
    translate = request.localizer.translate
    v = envoi.valeurs
    nom = request.registry.settings.get("portail.nom", "Portail Famille")
    if envoi.sorte == CANTINE:
        limite = dates.local(v["limite"])
        valeurs = {
            "enfant": v["enfant"],
            "semaine": _jour(v["lundi"]),
            "jour_limite": _jour(limite.date()),
            "heure_limite": limite.strftime("%H:%M"),
            "url": url_absolue(
                request, partage.enfant_du_foyer(famille, v["enfant_nom"]), "planning"
            ),
        }
        texte = _(
            "${nom} : la cantine de ${enfant} n'est pas réservée pour la semaine du "
            "${semaine}. Réservations jusqu'au ${jour_limite} à ${heure_limite}.",
            mapping=dict(valeurs, nom=nom),
        )
        return "rappel_cantine", valeurs, translate(texte)
    if envoi.sorte == DEMANDE:
        decision = _("acceptée") if v["acceptee"] else _("refusée")
        valeurs = {
            "titre": translate(_(v["titre"])),
            "date": dates.courte(dates.local(v["date"])),
            "decision": translate(decision),
            "motif": (
                translate(_("Motif : ${motif}", mapping={"motif": v["motif"]}))
                if v["motif"]
                else ""
            ),
            "url": url_absolue(request, famille, "liste-des-demandes"),
        }
        texte = _(
            "${nom} : votre demande « ${titre} » du ${date} a été ${decision}. "
            "Détails dans Liste des demandes.",
            mapping=dict(valeurs, nom=nom),
        )
        return "rappel_demande", valeurs, translate(texte)
    if envoi.sorte == FACTURE:
        valeurs = {
            "numero": v["numero"],
            "montant": euros(Decimal(v["montant"])),
            "date": dates.courte(v["date"]),
            "echeance": dates.courte(v["echeance"]) if v["echeance"] else "",
            "url": url_absolue(request, famille, "releve-de-compte"),
        }
        texte = _(
            "${nom} : facture ${numero} de ${montant} émise le ${date}, à régler avant le "
            "${echeance}. Relevé de compte sur le Portail Famille.",
            mapping=dict(valeurs, nom=nom),
        )
        return "rappel_facture", valeurs, translate(texte)
    facture = famille["factures"][v["numero"]]
    valeurs = {
        "numero": v["numero"],
        "reste": euros(facture.reste),
        "echeance": dates.courte(v["echeance"]),
        "url": url_absolue(request, famille, "releve-de-compte"),
    }
    texte = _(
        "${nom} : la facture ${numero} (reste à régler ${reste}) arrive à échéance le "
        "${echeance}. Paiement en ligne depuis le Relevé de compte.",
        mapping=dict(valeurs, nom=nom),
    )
    return "rappel_echeance", valeurs, translate(texte)


# --- Sending one (the batch) -----------------------------------------------------------------


def commencer(envoi):
    """Mark ``envoi`` as being sent (committed by the caller BEFORE
    anything goes out)."""
    envoi.etat = EN_COURS
    envoi.tente_le = dates.horodatage()


def abandonner(envoi):
    envoi.etat = CADUC


def envoyer_sms(request, famille, envoi, texte):
    """Send the SMS of ``envoi`` (not transactional: it leaves now);
    returns the numbers it went to."""
    transport = sms_.sms(request.registry)
    nom = request.registry.settings.get("portail.nom", "Portail Famille")
    texte = sms_.texte_sms(texte, prefixe=nom + " : ")
    numeros = numeros_sms(famille)
    for numero in numeros:
        transport.envoyer(numero, texte)
    return numeros


def terminer(request, famille, envoi, template, valeurs, canaux):
    """Queue the mail (sent when the caller commits) and mark ``envoi``
    sent through ``canaux``."""
    if COURRIEL in canaux:
        adresses = destinataires(famille)
        if adresses:
            courriels.send(request, template, adresses, **valeurs)
    envoi.etat = ENVOYE
    envoi.canaux = tuple(canaux)
    envoi.envoye_le = dates.horodatage()


def echouer(envoi, erreur):
    envoi.etat = ECHEC
    envoi.erreur = str(erreur)[:500]


def prestations(root):
    return prestations_par_oid(root)


# --- Mes données (RGPD) ------------------------------------------------------------------------


def _simple(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def export(famille, request=None):
    """What "Mes données" holds of the family's reminders: its choices and
    every reminder of its outbox (kind, subject, period, state, dates)."""
    found = rappels(famille)
    if found is None:
        return {"choix": [], "envois": []}

    def libelle(term):
        return request.localizer.translate(term) if request is not None else str(term)

    return {
        "choix": [
            {"rappel": libelle(SORTES[sorte]), "canal": libelle(CANAUX[canal])}
            for sorte, canal in sorted(found.choix)
        ],
        "envois": [
            {
                "rappel": libelle(SORTES[e.sorte]),
                "sujet": e.sujet,
                "periode": e.periode,
                "etat": e.etat,
                "canaux": list(e.canaux),
                "cree_le": _simple(e.cree_le),
                "envoye_le": _simple(e.envoye_le),
                "valeurs": {k: _simple(v) for k, v in sorted(e.valeurs.items())},
            }
            for e in sorted(found.envois.values(), key=lambda e: e.cree_le)
        ],
    }
