"""The unpaid invoices across families, their age, and the reminders.

An invoice is *unpaid* while it still owes something (``Facture.reste``).
Each régie's index of unpaid invoices (``index``) holds what the list
filters and adds up: the list never walks the town's families
(bench/relances.py).

Its age is counted from its due date (échéance), in Europe/Paris days:
not yet due, 0–30, 31–60, more than 60 days.

Reminders (settings): ``portail.relances.delais`` (default "15 30"), the
days after the due date of the 1st, 2nd… reminder; ``portail.relances.
tresor`` (default 45): after it, with every reminder sent, the invoice is
proposed for the Trésor public.  An invoice scheduled for a direct debit
or sent to the Trésor (``Facture.hors_regie``) is never reminded.  A
reminder is due on a day when the invoice is that many days past due and
the previous reminder was sent at least the gap between the two delays
before: never two reminders the same day, never the 2nd the day after a
late 1st.  It is logged on the invoice (``Facture.relances``, beside its
issued content, never in it), in the site's journal, sent by mail (when
the family accepts mail) and in the family's Boîte de réception.

Blocking (``portail.relances.blocage_seuil``, euros, empty: off): when a
family's overdue unpaid total (past due, not in a direct debit nor at the
Trésor) exceeds it, its new reservation requests are refused (``blocage``,
registered in the planning by the includeme).
"""

from decimal import Decimal, InvalidOperation

from pyramid.exceptions import ConfigurationError

from .. import courriels, dates, journal
from ..adresses import url_absolue
from ..facturation.resources import Facture
from ..i18n import _
from ..messagerie import service as messagerie
from ..montants import ZERO, euros
from . import index

DELAIS = "portail.relances.delais"
TRESOR = "portail.relances.tresor"
SEUIL = "portail.relances.blocage_seuil"
DELAIS_DEFAUT = (15, 30)
TRESOR_DEFAUT = 45
RELANCE_ENVOYEE = "RelanceEnvoyee"  # the journal's action
PAR_SCRIPT = "portail-famille-relances"  # who sends the daily reminders

# Age buckets, from the due date.
A_ECHOIR = "a-echoir"
TRANCHES = (
    (A_ECHOIR, _("Non échue")),
    ("0-30", _("0 à 30 jours")),
    ("31-60", _("31 à 60 jours")),
    ("60+", _("Plus de 60 jours")),
)
TITRES_TRANCHES = dict(TRANCHES)

# The follow-up state of an unpaid invoice.
TRESOR_TRANSMISE = "tresor"
PRELEVEMENT = "prelevement"
A_TRANSMETTRE = "a-transmettre"
A_RELANCER = "a-relancer"
EN_COURS = "en-cours"


def delais(settings):
    """The reminders' delays (days after the due date), increasing."""
    texte = settings.get(DELAIS)
    if texte is None or not str(texte).strip():
        return DELAIS_DEFAUT
    try:
        found = tuple(int(part) for part in str(texte).split())
    except ValueError:
        raise ConfigurationError(
            "%s: whole days separated by spaces, e.g. '15 30'" % DELAIS
        ) from None
    if any(d < 0 for d in found) or any(b <= a for a, b in zip(found, found[1:], strict=False)):
        raise ConfigurationError("%s: increasing days, e.g. '15 30'" % DELAIS)
    return found


def delai_tresor(settings):
    texte = settings.get(TRESOR)
    if texte is None or not str(texte).strip():
        return TRESOR_DEFAUT
    try:
        found = int(str(texte).strip())
    except ValueError:
        raise ConfigurationError("%s: a number of days, e.g. 45" % TRESOR) from None
    if found < 0:
        raise ConfigurationError("%s: a number of days, e.g. 45" % TRESOR)
    return found


def seuil(settings):
    """The blocking threshold (Decimal), or None: no blocking."""
    texte = settings.get(SEUIL)
    if texte is None or not str(texte).strip():
        return None
    try:
        found = Decimal(str(texte).strip().replace(",", "."))
    except InvalidOperation:
        raise ConfigurationError("%s: an amount in euros, e.g. 100 (empty: off)" % SEUIL) from None
    if not found.is_finite() or found < 0:
        raise ConfigurationError("%s: an amount in euros, e.g. 100 (empty: off)" % SEUIL)
    return found


def verifier_reglages(settings):
    """Raise ConfigurationError at start for a malformed setting."""
    delais(settings)
    delai_tresor(settings)
    seuil(settings)


# --- Age and state ----------------------------------------------------------------


def jours_de_retard(facture, jour):
    return (jour - facture.echeance).days


def tranche(facture, jour):
    retard = jours_de_retard(facture, jour)
    if retard < 0:
        return A_ECHOIR
    if retard <= 30:
        return "0-30"
    if retard <= 60:
        return "31-60"
    return "60+"


def rang_du(facture, jour, delais_):
    """The rank of the reminder ``facture`` is due on ``jour``, or None."""
    if facture.hors_regie or facture.reste <= ZERO or facture.echeance is None:
        return None
    envoyees = tuple(facture.relances)
    rang = len(envoyees)
    if rang >= len(delais_):
        return None
    if any(r.get("date") == jour for r in envoyees):
        return None  # one a day at most: a rerun sends nothing twice
    if jours_de_retard(facture, jour) < delais_[rang]:
        return None
    if rang:
        ecart = delais_[rang] - delais_[rang - 1]
        if (jour - envoyees[-1]["date"]).days < ecart:
            return None
    return rang + 1


def etat(facture, jour, delais_, tresor_jours):
    """(state, its French text) of an unpaid invoice's follow-up."""
    if facture.tresor is not None:
        return TRESOR_TRANSMISE, _("Transmise au Trésor public")
    if facture.prelevement is not None:
        return PRELEVEMENT, _(
            "Prélèvement prévu le ${jour}",
            mapping={"jour": dates.courte(facture.prelevement["echeance"])},
        )
    rang = rang_du(facture, jour, delais_)
    if rang is not None:
        return A_RELANCER, _("Relance n°${rang} à envoyer", mapping={"rang": rang})
    if len(facture.relances) >= len(delais_) and jours_de_retard(facture, jour) >= tresor_jours:
        return A_TRANSMETTRE, _("À transmettre au Trésor public")
    return EN_COURS, _("À payer")


# --- The list ---------------------------------------------------------------------


def impayees(root, regie_oid=None, structure_oid=None):
    """The unpaid invoices (``index.Impayee``: due date, rest due...,
    ``.facture(root)`` loads it), oldest due date first."""
    return index.lister(root, regie_oid=regie_oid, structure_oid=structure_oid)


def nombre_impayees(root):
    """How many invoices are unpaid (the indexes' sizes)."""
    return index.nombre(root)


def totaux(factures, jour):
    """{bucket: (count, rest due)} and the overall (count, rest due) of
    invoices or index lines."""
    found = {nom: [0, ZERO] for nom, _titre in TRANCHES}
    for facture in factures:
        total = found[tranche(facture, jour)]
        total[0] += 1
        total[1] += facture.reste
    nombre = sum(n for n, _m in found.values())
    montant = sum((m for _n, m in found.values()), ZERO)
    return {k: tuple(v) for k, v in found.items()}, (nombre, montant)


# --- Reminders --------------------------------------------------------------------


def dues(root, jour, settings):
    """[(facture, rang)] of the reminders due on ``jour`` (only the unpaid
    invoices past the first delay are loaded)."""
    delais_ = delais(settings)
    found = []
    for ligne in impayees(root):
        if jours_de_retard(ligne, jour) < delais_[0]:
            break  # oldest due date first: the others are more recent
        facture = ligne.facture(root)
        rang = rang_du(facture, jour, delais_) if isinstance(facture, Facture) else None
        if rang is not None:
            found.append((facture, rang))
    return found


def _texte(translate, facture, rang, url):
    return translate(
        _(
            "Bonjour,\n\nSauf erreur de notre part, la facture ${numero} du ${date} "
            "(${regie}), échue le ${echeance}, reste impayée : il reste ${reste} à régler.\n\n"
            "Ceci est la relance n°${rang}. Vous pouvez la payer en ligne depuis votre "
            "Relevé de compte (${url}), ou auprès de la régie par chèque ou en espèces. "
            "Si vous l'avez réglée entre-temps, ne tenez pas compte de ce message.\n\n"
            "Le service enfance jeunesse",
            mapping={
                "numero": facture.numero,
                "date": dates.courte(facture.date),
                "regie": facture.regie,
                "echeance": dates.courte(facture.echeance),
                "reste": euros(facture.reste),
                "rang": rang,
                "url": url,
            },
        )
    )


def envoyer(request, facture, rang, jour, par):
    """Send reminder ``rang`` of ``facture`` on ``jour``, by ``par`` (a
    login): logged on the invoice and in the journal, a message in the
    family's Boîte de réception, a mail if the family accepts mail (queued
    in the transaction: sent only if it commits)."""
    translate = request.localizer.translate
    famille = facture.famille
    facture.relances = tuple(facture.relances) + ({"rang": rang, "date": jour, "par": par},)
    url = url_absolue(request, famille, "releve-de-compte")
    objet_ = translate(
        _(
            "Relance n°${rang} : facture ${numero} impayée",
            mapping={"rang": rang, "numero": facture.numero},
        )
    )
    texte = _texte(translate, facture, rang, url)
    messagerie.ecrire_a_la_famille(request, famille, objet_, texte, courriel=False)
    destinataires = messagerie.destinataires(famille)
    if destinataires:
        courriels.send(
            request,
            "relance",
            destinataires,
            rang=rang,
            numero=facture.numero,
            date=dates.courte(facture.date),
            regie=facture.regie,
            echeance=dates.courte(facture.echeance),
            montant=euros(facture.montant),
            reste=euros(facture.reste),
            url=url,
        )
    journal.noter(
        facture,
        RELANCE_ENVOYEE,
        facture,
        par=par,
        famille=famille,
        details={"facture": facture.numero, "rang": rang},
    )


def envoyer_dues(request, root, jour, par):
    """Send every reminder due on ``jour``; [(facture, rang)] sent."""
    envoyees = dues(root, jour, request.registry.settings)
    for facture, rang in envoyees:
        envoyer(request, facture, rang, jour, par)
    return envoyees


# --- Blocking ---------------------------------------------------------------------


def du_echu(famille, jour):
    """What the family owes past due (in neither a direct debit nor the
    Trésor's hands): the invoices still owing something, due before
    ``jour``."""
    total = ZERO
    factures = famille.get("factures") if hasattr(famille, "get") else None
    if factures is None:
        return total
    for document in factures.values():
        if (
            isinstance(document, Facture)
            and not document.hors_regie
            and document.echeance is not None
            and document.echeance < jour
        ):
            reste = document.reste
            if reste > ZERO:
                total += reste
    return total


def blocage(famille, request):
    """The French refusal of a new reservation when the family's overdue
    total exceeds the threshold, with the statement's address; or None."""
    limite = seuil(request.registry.settings)
    if limite is None:
        return None
    du = du_echu(famille, dates.today())
    if du <= limite:
        return None
    return _(
        "Votre demande de réservation ne peut pas être enregistrée : des factures "
        "échues restent impayées (${montant}). Réglez-les depuis votre Relevé de compte, "
        "en ligne par carte bancaire, ou auprès de la régie par chèque ou en espèces ; "
        "vous pourrez ensuite réserver. Les annulations et absences restent possibles.",
        mapping={"montant": euros(du)},
    )
