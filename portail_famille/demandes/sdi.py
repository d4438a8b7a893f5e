"""SDI screens of the requests (demandes): the staff's queue and the
processing of one request.

- ``/manage/@@demandes`` (tab "Demandes" of the root): the pending requests,
  newest first, 20 a page, filtered by type and by N° famille, with what each
  one changes; several can be accepted at once.
- ``/manage/familles/<n>/demandes/<id>/@@traiter``: one request, the record's
  current values beside the old and new ones, accept or refuse (with a
  motif).

Everybody with ``P.DEMANDES_VOIR`` sees them; only who holds the request
type's permission (``TypeDemande.permission``) processes one, whatever the
page showed.  A child's health data needs ``P.SANTE_VOIR`` (not a
régisseur's): without it the queue's row shows no value and the request's
page is a 403.  The IBAN is masked; "Afficher l'IBAN complet" (a POST, with
``P.FAMILLE_IBAN_VOIR``) shows it once and writes a journal entry (who,
which family, when; never the IBAN).
"""

import math
import re
from html import escape
from urllib.parse import urlencode

from pyramid.decorator import reify
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from substanced.interfaces import IRoot
from substanced.sdi import mgmt_view
from substanced.util import find_objectmap, get_oid
from translationstring import TranslationString

from .. import dates, journal
from ..i18n import _, traduire
from ..journal import audit
from ..sdi.echappement import Balisage
from ..sdi.listes import Chemins, Droits
from ..security import P, login
from . import cycle, pieces, registre, service
from .affichage import MASQUES, titre, valeur
from .resources import ACCEPTEE, EN_ATTENTE, REFUSEE, REMPLACEE, IDemande, consignee
from .types import CIBLE_INSCRIPTION, SANTE_MASQUEE, SECTION_SANTE, TYPES, sante_cachee

PAR_PAGE = 20
PAGE_MAX = 100_000  # a page number from the query string, before clamping
# At most this many requests accepted by one "Accepter la sélection".
SELECTION_MAX = 100
MOTIF_MAX = 1000
AUDIT_IBAN = "IbanConsulte"
OID_MIN, OID_MAX = -(2**63), 2**63 - 1

_NUMERO = re.compile(r"\d{1,20}")


def _tr(request, value):
    if isinstance(value, TranslationString):
        return request.localizer.translate(value)
    return value


def page_propre(demande):
    """Is ``demande`` decided on its type's own page, not on "Traiter"?"""
    return demande.type.vue_traitement != "traiter"


def document_demandable(demande):
    """May the service ask the family for a document about ``demande``?
    A pending one, but a day of the planning (its own rules: deadlines,
    places, closures, which do not wait for a family)."""
    return demande.etat == EN_ATTENTE and demande.jour is None


def peut_traiter(request, demande):
    """May the current user accept or refuse this request?"""
    return bool(request.has_permission(demande.type.permission, demande))


def _texte(request, name, value, reveler=False):
    text = _tr(request, valeur(name, value, reveler=reveler))
    return text if text != "" else request.localizer.translate(_("(vide)"))


def lire_motif(post, name):
    """The motif of a refusal as typed, stripped ("" when absent or forged)."""
    motif = post.get(name, "")
    return motif.strip() if isinstance(motif, str) else ""


def _famille(request, famille):
    return {
        "numero": famille.numero,
        "nom": famille.nom_complet,
        "url": request.sdiapi.mgmt_path(famille, "@@fiche"),
    }


def journaliser_iban(request, famille, **extra):
    """Write "the full IBAN of this family was shown" in the site's journal
    (who, when, which family; never the IBAN)."""
    journal.noter(request, AUDIT_IBAN, famille, famille=famille.numero, details=extra)


# --- The queue ---------------------------------------------------------------


class PageFile:
    """What the rows of one page of the queue share: the SDI paths and
    permission answers (``sdi.listes``), "(vide)" translated."""

    def __init__(self, request):
        self.chemins = Chemins(request)
        self.droits = Droits(request)
        self.vide = request.localizer.translate(_("(vide)"))


@mgmt_view(
    context=IRoot,
    name="demandes",
    tab_title=_("Demandes"),
    permission=P.DEMANDES_VOIR,
    renderer="templates/demandes.pt",
    request_method="GET",
)
class FileDemandesView:
    """The pending requests (GET); each button of the selection is its own
    view: accepter_selection, refuser_selection."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    @reify
    def chemin(self):
        """This page's path (its links: filters, pages, the form's action)."""
        return self.request.sdiapi.mgmt_path(self.context, "@@demandes")

    def __call__(self):
        return self.show()

    # Filters: only known values are used, whatever the query string holds.
    def filtres(self, params):
        type_demande = params.get("type", "")
        if not isinstance(type_demande, str) or type_demande not in TYPES:
            type_demande = ""
        famille = params.get("famille", "")
        famille = famille.strip() if isinstance(famille, str) else ""
        return type_demande, famille

    def url(self, **query):
        query = {k: v for k, v in query.items() if v not in ("", None, 1)}
        path = self.chemin
        return path + ("?" + urlencode(query) if query else "")

    def show(self, params=None, erreur_motif=None, motif=""):
        request = self.request
        type_demande, famille = self.filtres(request.GET if params is None else params)
        try:
            page = min(max(1, int(request.GET.get("page", "1"))), PAGE_MAX)
        except ValueError:
            page = 1
        erreur_famille = None
        if famille and not _NUMERO.fullmatch(famille):
            erreur_famille = request.localizer.translate(
                _("Le n° famille ne comporte que des chiffres.")
            )
            total, demandes = 0, []
        else:
            total, demandes = service.file_attente(
                self.context, type_demande, famille, (page - 1) * PAR_PAGE, PAR_PAGE
            )
        pages = max(1, math.ceil(total / PAR_PAGE))
        if page > pages:
            page = pages
            total, demandes = service.file_attente(
                self.context, type_demande, famille, (page - 1) * PAR_PAGE, PAR_PAGE
            )
        translate = request.localizer.translate
        page_file = PageFile(request)
        return {
            "lignes": [self.ligne(demande, page_file) for demande in demandes],
            "types": [(nom, translate(t.titre)) for nom, t in TYPES.items()],
            "type_demande": type_demande,
            "famille": famille,
            "erreur_famille": erreur_famille,
            "total": translate(_("${total} demande(s) en attente", mapping={"total": total})),
            "pagination": translate(
                _("Page ${page} sur ${pages}", mapping={"page": page, "pages": pages})
            ),
            "precedente": (
                self.url(type=type_demande, famille=famille, page=page - 1) if page > 1 else None
            ),
            "suivante": (
                self.url(type=type_demande, famille=famille, page=page + 1)
                if page < pages
                else None
            ),
            "action": self.chemin,
            "csrf_token": request.session.get_csrf_token(),
            "erreur_motif": erreur_motif,
            "motif": motif,
            "motif_max": MOTIF_MAX,
        }

    def ligne(self, demande, page):
        """One row; ``page``: what the page's rows share (``PageFile``)."""
        request = self.request
        kind = demande.type
        changements = demande.changements()
        modifies = demande.champs_modifies_depuis(changements)
        permis = page.droits.permis(kind.permission, demande)
        famille = demande.famille
        numero = famille.__name__
        cachee = kind.section == SECTION_SANTE and not page.droits.permis(P.SANTE_VOIR, famille)
        if not cachee:
            # Health data or bank details shown: audited (a write on GET, on purpose).
            audit.noter_demande(request, demande)
        type_titre = traduire(request, kind.titre)
        if cachee:
            lignes = [traduire(request, SANTE_MASQUEE)]
        else:
            lignes = self.changements(demande, changements, page.vide)
        titles = kind.titles()
        return {
            # its id in the selection: its oid, or its key in the register
            "oid": get_oid(demande) if not consignee(demande) else registre.cle_de(demande),
            "date": dates.moment(demande.date_demande),
            "famille": {
                "numero": famille.numero,
                "nom": famille.nom_complet,
                "url": page.chemins.vue(famille, "@@fiche"),
            },
            "type": type_titre,
            "enfant": demande.nom_enfant if kind.onglet == "enfants" else "",
            "changements": lignes,
            "modifies": [traduire(request, titles.get(name, name)) for name in modifies],
            # A type decided on its own page is not accepted in a batch.
            "selectionnable": permis and not modifies and not page_propre(demande),
            "libelle": traduire(
                request,
                _(
                    "Sélectionner : ${type}, famille ${numero}",
                    mapping={"type": type_titre, "numero": numero},
                ),
            ),
            "permis": permis,
            # No link to a page that would refuse (health data, a régisseur).
            "url": (
                None if cachee else page.chemins.vue(demande, "@@" + demande.type.vue_traitement)
            ),
        }

    def changements(self, demande, changements, vide):
        """What the row says the request changes; ``changements``: the
        request's ``changements()``, ``vide``: "(vide)" translated."""
        request = self.request
        if demande.jour is not None:  # a day of the planning: what it asks for
            return ["%s : %s" % (_tr(request, title), value) for title, value in demande.resume()]
        if demande.type.decrire is not None:
            return demande.type.decrire(request, demande)

        def texte(name, value):
            text = traduire(request, valeur(name, value))
            return text if text != "" else vide

        return [
            "%s : %s → %s"
            % (titre(name, traduire(request, title)), texte(name, old), texte(name, new))
            for name, title, old, new in changements
        ]

    @mgmt_view(
        context=IRoot,
        name="demandes",
        permission=P.DEMANDES_VOIR,
        renderer="templates/demandes.pt",
        request_method="POST",
        request_param="accepter_selection",
        tab_condition=False,
    )
    def accepter_selection(self):
        """ "Accepter la sélection": the requests unchanged since."""
        request = self.request

        def accepter(demande):
            if demande.champs_modifies_depuis():
                return _("la fiche a changé depuis la demande : ouvrez-la pour la traiter")
            service.accepter(demande, login(request), request)
            return None

        return self.traiter_selection(
            accepter,
            _("${n} demande(s) acceptée(s)."),
            _("Demandes non acceptées :"),
        )

    @mgmt_view(
        context=IRoot,
        name="demandes",
        permission=P.DEMANDES_VOIR,
        renderer="templates/demandes.pt",
        request_method="POST",
        request_param="refuser_selection",
        tab_condition=False,
    )
    def refuser_selection(self):
        """ "Refuser la sélection", with one motif for all."""
        request = self.request
        motif = lire_motif(request.POST, "motif_selection")
        erreur = None
        if not motif:
            erreur = _("Indiquez le motif du refus.")
        elif len(motif) > MOTIF_MAX:
            erreur = _(
                "Le motif est trop long (${max} caractères au plus).",
                mapping={"max": MOTIF_MAX},
            )
        if erreur is not None:
            request.response.status = 400
            return self.show(request.POST, request.localizer.translate(erreur), motif)

        def refuser(demande):
            service.refuser(demande, login(request), motif, request)

        return self.traiter_selection(
            refuser,
            _("${n} demande(s) refusée(s)."),
            _("Demandes non refusées :"),
        )

    def selectionnee(self, raw):
        """The request of a selection's id: a content's oid, or a register's
        "<family number>/<name>" (``registre.cle_de``); None for anything
        else."""
        if not isinstance(raw, str) or len(raw) > 100:
            return None
        if "/" in raw:
            return registre.trouver(self.context, raw)
        try:
            oid = int(raw)
        except ValueError:
            return None
        if not OID_MIN <= oid <= OID_MAX:  # objectmap keys: 64 bits
            return None
        return find_objectmap(self.context).object_for(oid)

    def traiter_selection(self, traiter, bilan, titre):
        """Apply ``traiter`` to each selected request the user may process
        (it returns why it left one, or None), then flash what was done and
        what was left; back to the queue with its filters."""
        request = self.request
        translate = request.localizer.translate
        traitees, ecartees, vues = 0, [], set()
        for raw in request.POST.getall("oid")[:SELECTION_MAX]:
            if raw in vues:
                continue
            vues.add(raw)
            demande = self.selectionnee(raw)
            # A forged id (unknown, or any other object) does nothing.
            if demande is None or not IDemande.providedBy(demande):
                ecartees.append(translate(_("une demande introuvable")))
                continue
            raison = self.raison_de_laisser(demande, traiter)
            if raison is None:
                traitees += 1
                continue
            nom = translate(
                _(
                    "${type} de la famille ${numero}",
                    mapping={
                        "type": translate(demande.type.titre),
                        "numero": demande.numero_famille,
                    },
                )
            )
            ecartees.append("%s (%s)" % (nom, translate(raison)))
        request.sdiapi.flash(translate(bilan, mapping={"n": traitees}), "success")
        if ecartees:
            # A list: markup built here from escaped parts.
            items = "".join("<li>%s</li>" % escape(text) for text in ecartees)
            liste = Balisage("%s<ul>%s</ul>" % (escape(translate(titre)), items))
            request.sdiapi.flash(liste, "warning")
        type_demande, famille = self.filtres(request.POST)
        return HTTPFound(self.url(type=type_demande, famille=famille))

    def raison_de_laisser(self, demande, traiter):
        """Why one selected request is left (None: it was processed)."""
        if demande.etat != EN_ATTENTE:
            return _("déjà traitée ou remplacée")
        if not peut_traiter(self.request, demande):
            return _("vous ne pouvez pas traiter ce type de demande")
        if page_propre(demande):
            return _("à décider depuis sa page")
        try:
            return traiter(demande)
        except service.DemandeError:
            return _("l'enfant ou l'activité de la demande n'existe plus")


# --- One request ---------------------------------------------------------------


@mgmt_view(
    context=IDemande,
    name="traiter",
    tab_title=_("Traiter"),
    # A type decided on its own page has that page as its tab.
    tab_condition=lambda context, request: not page_propre(context),
    permission=P.DEMANDES_VOIR,
    renderer="templates/demandes_traiter.pt",
    request_method="GET",
)
class TraiterDemandeView:
    """GET shows; each button is its own view: accepter, refuser, reveler
    (the full IBAN)."""

    def __init__(self, context, request):
        # A child's health data: not for who may not read it (a régisseur).
        if sante_cachee(request, context):
            raise HTTPForbidden()
        if page_propre(context):  # decided on its type's own page
            raise HTTPFound(request.sdiapi.mgmt_path(context, "@@" + context.type.vue_traitement))
        self.context = context
        self.request = request

    def __call__(self):
        return self.show()

    @property
    def file(self):
        return self.request.sdiapi.mgmt_path(self.request.root, "@@demandes")

    def _verifier_permission(self):
        if not peut_traiter(self.request, self.context):
            raise HTTPForbidden()

    def _interdite(self, refus):
        """The lifecycle refused the transition (already processed...), or
        the type's handler the change: its message, back on the request's
        page."""
        self.request.sdiapi.flash(self.request.localizer.translate(refus.message), "warning")
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context, "@@traiter"))

    def _fait(self, message):
        request = self.request
        demande = self.context
        request.sdiapi.flash(
            request.localizer.translate(
                _(
                    message,
                    mapping={
                        "type": request.localizer.translate(demande.type.titre),
                        "numero": demande.numero_famille,
                    },
                )
            ),
            "success",
        )
        return HTTPFound(self.file)

    @mgmt_view(
        context=IDemande,
        name="traiter",
        permission=P.DEMANDES_VOIR,
        renderer="templates/demandes_traiter.pt",
        request_method="POST",
        request_param="accepter",
        tab_condition=False,
    )
    def accepter(self):
        self._verifier_permission()
        demande = self.context
        try:
            cycle.decidable(demande, ACCEPTEE)
        except cycle.TransitionInterdite as refus:
            return self._interdite(refus)
        modifies = demande.champs_modifies_depuis()
        if modifies:
            # Confirmed for the fields the page showed, not for others
            # changed since.
            vus = set(self.request.POST.get("champs_vus", "").split(","))
            if self.request.POST.get("confirmer") != "oui" or not set(modifies) <= vus:
                return self.show(
                    erreur_confirmation=_(
                        "Cochez « J'ai vu que la fiche a changé depuis la demande » pour accepter."
                    )
                )
        # The agent's reason, optional: told to the family with the answer.
        motif = lire_motif(self.request.POST, "motif_acceptation")[:MOTIF_MAX]
        try:
            service.accepter(
                demande, login(self.request), self.request, force=bool(modifies), motif=motif
            )
        except service.FicheModifiee:  # changed between the check and now
            return self.show(
                erreur_confirmation=_(
                    "La fiche a changé depuis l'affichage de cette page : vérifiez-la."
                )
            )
        except service.DemandeError as refus:
            return self._interdite(refus)
        return self._fait(_("Demande acceptée : ${type}, famille ${numero}."))

    @mgmt_view(
        context=IDemande,
        name="traiter",
        permission=P.DEMANDES_VOIR,
        renderer="templates/demandes_traiter.pt",
        request_method="POST",
        request_param="refuser",
        tab_condition=False,
    )
    def refuser(self):
        self._verifier_permission()
        demande = self.context
        try:
            cycle.decidable(demande, REFUSEE)
        except cycle.TransitionInterdite as refus:
            return self._interdite(refus)
        motif = lire_motif(self.request.POST, "motif")
        if not motif:
            return self.show(erreur_motif=_("Indiquez le motif du refus."), motif="")
        if len(motif) > MOTIF_MAX:
            return self.show(
                erreur_motif=_(
                    "Le motif ne peut dépasser ${max} caractères.", mapping={"max": MOTIF_MAX}
                ),
                motif=motif,
            )
        try:
            service.refuser(demande, login(self.request), motif, self.request)
        except service.DemandeError as refus:
            return self._interdite(refus)
        return self._fait(_("Demande refusée : ${type}, famille ${numero}."))

    @mgmt_view(
        context=IDemande,
        name="traiter",
        permission=P.DEMANDES_VOIR,
        renderer="templates/demandes_traiter.pt",
        request_method="POST",
        request_param="reveler",
        tab_condition=False,
    )
    def reveler(self):
        famille = self.context.famille
        if not self.request.has_permission(P.FAMILLE_IBAN_VOIR, famille):
            raise HTTPForbidden()
        if not self.iban_en_jeu():
            return self.show()
        journaliser_iban(self.request, famille, demande=get_oid(self.context))
        return self.show(reveler=True)

    def documents(self):
        """The request's description (a type that words it), its documents
        (links), what was asked of the family, "Demander un document
        manquant" (``pieces_sdi``)."""
        request = self.request
        demande = self.context
        translate = request.localizer.translate
        descriptif = demande.type.decrire(request, demande) if demande.type.decrire else []
        return {
            "descriptif": descriptif,
            # An enrolment changes no field of the record: its description
            # says what it asks for, no table of values "before / after".
            "tableau": demande.type.cible != CIBLE_INSCRIPTION,
            "pieces": pieces.lignes_sdi(request, demande),
            "macro_pieces": pieces.macro(),
            "document_demande": pieces.document_demande(request, demande),
            "natures": [(k, translate(v)) for k, v in pieces.NATURES.items()],
            "peut_demander_document": document_demandable(demande)
            and peut_traiter(request, demande),
        }

    def iban_en_jeu(self):
        """Does the table show a masked value (the IBAN)?"""
        return any(name in MASQUES for name, *_rest in self.context.changements())

    def show(self, reveler=False, erreur_confirmation=None, erreur_motif=None, motif=""):
        request = self.request
        demande = self.context
        famille = demande.famille
        section = demande.section_actuelle()
        titles = demande.type.titles()
        en_attente = demande.etat == EN_ATTENTE
        modifies = demande.champs_modifies_depuis() if en_attente else []
        permis = peut_traiter(request, demande)
        translate = request.localizer.translate
        # Health data or bank details shown: audited (a write on GET, on purpose).
        audit.noter_demande(request, demande, iban=reveler)

        def texte(name, value):
            return _texte(request, name, value, reveler=reveler)

        lignes = [
            {
                "champ": titre(name, _tr(request, title)),
                "actuelle": texte(name, section.get(name)),
                "ancienne": texte(name, old),
                "nouvelle": texte(name, new),
                "modifie": name in modifies,
            }
            for name, title, old, new in demande.changements()
        ]
        return {
            "demande": demande,
            "type": _tr(request, demande.type.titre),
            "enfant": demande.nom_enfant if demande.type.onglet == "enfants" else "",
            "famille": _famille(request, famille),
            "date": dates.moment(demande.date_demande),
            "demandeur": demande.demandeur,
            "etat": _tr(request, demande.titre_etat),
            "en_attente": en_attente,
            "remplacee": demande.etat == REMPLACEE,
            "traite_par": demande.traite_par,
            "date_traitement": dates.moment(demande.date_traitement),
            "motif_refus": demande.motif_refus,
            "motif_acceptation": demande.motif_acceptation,
            "lignes": lignes,
            "modifies": [_tr(request, titles.get(name, name)) for name in modifies],
            "champs_vus": ",".join(modifies),
            "permis": permis and en_attente,
            # refused while it waits for the family's document, too
            "peut_refuser": permis and (demande.etat, REFUSEE) in cycle.DECISIONS,
            "peut_reveler": (
                not reveler
                and self.iban_en_jeu()
                and bool(request.has_permission(P.FAMILLE_IBAN_VOIR, famille))
            ),
            "revele": reveler,
            "erreur_confirmation": erreur_confirmation and translate(erreur_confirmation),
            "erreur_motif": erreur_motif and translate(erreur_motif),
            "motif": motif,
            "action": request.sdiapi.mgmt_path(demande, "@@traiter"),
            **self.documents(),
            "file": self.file,
            "csrf_token": request.session.get_csrf_token(),
        }
