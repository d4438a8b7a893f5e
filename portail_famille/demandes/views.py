"""The parent's side of the requests (demandes): "Mon compte", one form per
section of the record, and "Liste des demandes".

A form never changes the record: it deposits a Demande holding only the
fields that differ from the record (service.deposer), which the service
enfance jeunesse accepts or refuses.  The full IBAN never reaches a parent's
page: it is shown, pre-filled and listed masked.
"""

import os

import colander
import deform
from deform.template import ZPTRendererFactory
from deform.template import default_dir as DEFORM_DEFAULT_DIR
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request
from pyramid.view import view_config
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from .. import dates
from ..familles import limites, partage
from ..familles.resources import IEnfant, IFamille
from ..familles.validators import masquer_iban
from ..i18n import _, traduire
from ..journal import audit
from ..security import P
from ..skin import sans_sous_chemin
from . import affichage, cycle, pieces, service
from .affichage import afficher
from .pieces_views import VUE as VUE_JOINDRE
from .pieces_views import joignable
from .resources import ACCEPTEE, ATTENTE_FAMILLE, EN_ATTENTE, LISTE_ATTENTE, REFUSEE
from .types import (
    ONGLET_COMPTE,
    ONGLET_ENFANTS,
    SANTE_MASQUEE,
    TYPES,
    sante_cachee,
    types_of,
)

JOURS_DEFAUT = 31
PREFIXE_FORMULAIRE = "demande-"
FORMID = "demande"
PERSONNES = ("responsable", "conjoint")
ONGLETS = ((ONGLET_COMPTE, _("Mon compte")), (ONGLET_ENFANTS, _("Mes enfants")))
# A child's file: the page (view name on the Enfant) of each section a
# request changes.
PAGES_ENFANT = {"autorisations": "autorisations", "sanitaires": "donnees-sanitaires"}

# The manual's columns of "Liste des demandes" for a responsable or a
# conjoint: (key, heading, the fields the column shows).
COLONNES_PERSONNE = (
    ("responsable", _("Responsable"), ("nom", "prenom")),
    ("qualite", _("Qualité"), ("qualite",)),
    ("adresse", _("Adresse"), ("adresse", "code_postal", "ville")),
    ("telephone_domicile", _("Tél.domicile"), ("telephone_domicile",)),
    ("telephone_prof", _("Tél.Prof."), ("telephone_prof",)),
    ("mobile", _("Mobile"), ("mobile",)),
    ("email", _("Email"), ("email",)),
    ("profession", _("Profession"), ("profession",)),
    ("employeur", _("Employeur"), ("employeur",)),
    ("adresse_employeur", _("Adresse employeur"), ("adresse_employeur",)),
)
CHAMPS_COLONNES = {name for _key, _title, names in COLONNES_PERSONNE for name in names}

# How each field is typed on a phone (virtual keyboard), and spelling aids off
# where they only get in the way.
SAISIE = {
    "telephone_domicile": {"inputmode": "tel"},
    "telephone_prof": {"inputmode": "tel"},
    "mobile": {"inputmode": "tel"},
    "email": {"inputmode": "email", "autocapitalize": "none", "spellcheck": "false"},
    "code_postal": {"inputmode": "numeric"},
    "numero_allocataire": {"inputmode": "numeric"},
    "annee_revenus": {"inputmode": "numeric"},
    "revenu_fiscal_reference": {"inputmode": "decimal"},
    "nombre_parts": {"inputmode": "decimal"},
    "quotient_familial": {"inputmode": "decimal"},
    "iban": {"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"},
    "bic": {"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"},
}
# Controls that would let peppercorn build nested values: no form here has any.
MARQUEURS = ("__start__", "__end__")


def _translator(term):
    return get_localizer(get_current_request()).translate(term)


# Our widget templates first (no inline script, labelled errors), deform's
# own for everything else.
RENDERER = ZPTRendererFactory(
    (os.path.join(os.path.dirname(__file__), "templates", "deform"), DEFORM_DEFAULT_DIR),
    translator=_translator,
)


# --- Values as people read them ----------------------------------------------


def _jour(moment):
    return dates.courte(dates.local(moment))


# --- Mon compte ----------------------------------------------------------------


@view_config(
    context=IFamille,
    name="mon-compte",
    renderer="templates/mon_compte.pt",
    permission=P.FAMILLE_VOIR,
)
def mon_compte(context, request):
    sans_sous_chemin(request)
    # Bank details read by staff: audited (a write on GET, on purpose).
    audit.noter_personnel(request, context, audit.BANCAIRES)
    peut_demander = request.has_permission(P.DEMANDE_CREER, context)
    rubriques = []
    for kind in types_of(ONGLET_COMPTE):
        if kind.section is None:  # a mandate: its own page (prelevement)
            continue
        section = getattr(context, kind.section)
        champs = []
        for name, title in kind.titles().items():
            champs.append(
                (
                    affichage.titre(name, traduire(request, title)),
                    afficher(request, kind.nom, name, section.get(name)),
                )
            )
            if kind.nom == "responsable" and name == "civilite":
                champs.append((request.localizer.translate(_("N° Famille")), context.numero))
        attente = service.en_attente(context, kind.nom)
        rubriques.append(
            {
                "nom": kind.nom,
                "titre": traduire(request, kind.titre),
                "champs": champs,
                "renseignee": any(value not in (None, "", False) for value in section.values()),
                "modifier": (
                    request.resource_path(context, PREFIXE_FORMULAIRE + kind.nom)
                    if peut_demander
                    else None
                ),
                "attente": _jour(attente.date_demande) if attente is not None else None,
                # a supporting document for the pending request (pieces_views)
                "joindre": (
                    request.resource_path(attente, VUE_JOINDRE)
                    if attente is not None and peut_demander
                    else None
                ),
                "liste": request.resource_path(
                    context, "liste-des-demandes", query={"onglet": kind.onglet, "type": kind.nom}
                ),
            }
        )
    mes_donnees = None
    if request.has_permission(P.FAMILLE_DONNEES_TELECHARGER, context):
        mes_donnees = {
            "pdf": request.resource_path(context, "mes-donnees.pdf"),
            "json": request.resource_path(context, "mes-donnees.json"),
        }
    return {
        "famille": context,
        "rubriques": rubriques,
        "mes_donnees": mes_donnees,
        # the page of the SEPA direct debit (prelevement.views)
        "prelevement": request.resource_path(context, "prelevement-automatique"),
        # the reminders by mail and SMS (rappels.views)
        "rappels": request.resource_path(context, "mes-rappels"),
        # the family's accounts, one per parent (comptes.invitation)
        "comptes_parents": request.resource_path(context, "comptes-parents"),
    }


# --- The forms -------------------------------------------------------------------

# View name -> type of request.  The family record's forms are views of the
# Famille, a child's section's of the Enfant; a new child is asked for from
# the Famille ("Mes enfants").  Reservations and absences are asked for
# from the planning grid (planning.actions): they have no form here.
FORMULAIRES = {
    ("ajouter-un-enfant" if kind.nouvel_enfant else PREFIXE_FORMULAIRE + nom): nom
    for nom, kind in TYPES.items()
    if kind.formulaire
}
# Empty rows offered in the list of a form (persons authorised...).
LIGNES_VIDES = 2
LIGNES_MIN = 3


def _contexte(context):
    """(famille, enfant or None) of a form's context."""
    if IEnfant.providedBy(context):
        return context.__parent__.__parent__, context
    return context, None


def _actuelles(section, kind):
    return {name: section.get(name) for name in kind.titles()}


def _sequences(schema):
    return {node.name: node for node in schema.children if isinstance(node.typ, colander.Sequence)}


def _widget(node):
    widget = getattr(node, "widget", None)
    if widget is None:
        node.widget = deform.widget.TextInputWidget(attributes=SAISIE.get(node.name, {}))
    elif isinstance(widget, deform.widget.SelectWidget):
        # The empty choice says what it means (a blank option reads as nothing).
        node.widget = deform.widget.SelectWidget(
            values=[("", _("Non renseigné"))] + [v for v in widget.values if v[0]]
        )


def _formulaire(request, context, vue, kind, actuelles):
    schema = kind.schema().bind(
        request=request, context=context, _csrf_token_=get_csrf_token(request)
    )
    for node in schema.children:
        if node.name == "_csrf_token_":
            continue
        node.oid = "champ-" + node.name
        _widget(node)
        if isinstance(node.typ, colander.Sequence):
            for child in node.children[0].children:
                _widget(child)
    if actuelles.get("iban"):
        schema["iban"].description = _(
            "Le numéro enregistré est masqué. Pour le changer, effacez-le et saisissez "
            "le nouvel IBAN complet ; pour le garder, laissez-le tel quel."
        )
    return deform.Form(
        schema,
        action=request.resource_path(context, vue),
        formid=FORMID,
        buttons=(deform.Button("enregistrer", _("Enregistrer")),),
        renderer=RENDERER,
    )


def _pour_formulaire(valeurs, form=None):
    """The appstruct that pre-fills a form: the IBAN masked, a list with a
    few empty rows to fill (no script needed to add one)."""
    appstruct = {name: colander.null if value is None else value for name, value in valeurs.items()}
    if valeurs.get("iban"):
        appstruct["iban"] = masquer_iban(valeurs["iban"])
    if form is not None:
        for name, node in _sequences(form.schema).items():
            rows = [dict(row) for row in valeurs.get(name) or ()]
            blank = {child.name: "" for child in node.children[0].children}
            vides = max(LIGNES_VIDES, LIGNES_MIN - len(rows))
            maximum = getattr(node.validator, "max", None) or len(rows) + vides
            rows.extend(dict(blank) for _i in range(max(0, min(vides, maximum - len(rows)))))
            appstruct[name] = rows
    return appstruct


def _controles(request, actuelles, imbrique=False):
    """The submitted controls, tidied: text trimmed (amounts are read by
    their schema type, montants.Montant), the masked IBAN sent back
    standing for the current one.  Nesting markers are kept only for a
    form with a list (``imbrique``).  Returns (controls, whether the masked
    IBAN was sent back)."""
    masque = masquer_iban(actuelles.get("iban")) if actuelles.get("iban") else None
    controls = []
    iban_masque = False
    for name, value in request.POST.items():
        if not isinstance(value, str) or (name in MARQUEURS and not imbrique):
            continue  # uploads and nesting: no field here takes them
        value = value.strip()
        if name == "iban" and masque is not None and " ".join(value.split()) == masque:
            value = actuelles["iban"]
            iban_masque = True
        controls.append((name, value))
    return controls, iban_masque


def _normaliser(name, value):
    """IBAN and BIC in their compact form, whatever the spaces and case."""
    if not value or not isinstance(value, str):
        return value
    try:
        if name == "iban":
            return IBAN(value).compact
        if name == "bic":
            return BIC(value).compact
    except SchwiftyException:
        return value
    return value


def _vide(value):
    return (
        value is None
        or value is False
        or (isinstance(value, str) and value == "")
        or (isinstance(value, (list, tuple)) and not value)
    )


def _identique(name, old, new):
    if _vide(old) and _vide(new):
        return True  # an unset checkbox or field left empty
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        return [dict(o) for o in old] == [dict(n) for n in new]
    return _normaliser(name, old) == _normaliser(name, new)


def changements(actuelles, appstruct, envoyes=None, cases=()):
    """The fields whose submitted value differs from the record's.  A field
    missing from the post (``envoyes``: the names sent) is left as it is,
    except a checkbox, which a browser leaves out when it is unticked."""
    return {
        name: _normaliser(name, new)
        for name, new in appstruct.items()
        if name in actuelles
        and (envoyes is None or name in envoyes or name in cases)
        and not _identique(name, actuelles[name], new)
    }


def _envoyes(controls):
    """The names of the fields sent (a list is sent as its start marker)."""
    return {value.split(":", 1)[0] if name == "__start__" else name for name, value in controls}


def _retour(request, famille, enfant, kind):
    """(url, link text) of the page a form comes from and goes back to."""
    translate = request.localizer.translate
    if kind.pour_enfant:
        return (
            request.resource_path(enfant, PAGES_ENFANT[kind.nom]),
            translate(_("Retour à la fiche de ${prenom}", mapping={"prenom": enfant.prenom})),
        )
    if kind.nouvel_enfant:
        return request.resource_path(famille, "mes-enfants"), translate(_("Retour à Mes enfants"))
    return request.resource_path(famille, "mon-compte"), translate(_("Retour à Mon compte"))


def _page(context, request):
    """What a request form's page needs: (famille, enfant, type, the
    record's current values, the form, the page's values)."""
    sans_sous_chemin(request)
    famille, enfant = _contexte(context)
    if enfant is not None and partage.second_foyer(enfant, request.famille):
        # A shared child's common data (health, authorisations) are asked
        # to change by its first household: the other writes to the service.
        raise HTTPNotFound()
    kind = TYPES[FORMULAIRES[request.view_name]]
    nom_enfant = enfant.__name__ if enfant is not None else None
    actuelles = _actuelles(service.section_de(famille, kind, nom_enfant), kind)
    form = _formulaire(request, context, request.view_name, kind, actuelles)
    attente = service.en_attente(famille, kind.nom, nom_enfant)
    retour, retour_titre = _retour(request, famille, enfant, kind)
    titre = traduire(request, kind.titre)
    if enfant is not None:
        titre = "%s — %s" % (titre, enfant.title)
    result = {
        "famille": famille,
        "titre": titre,
        "surtitre": request.localizer.translate(
            _("Demande d'ajout d'un enfant") if kind.nouvel_enfant else _("Demande de modification")
        ),
        "attente": _jour(attente.date_demande) if attente is not None else None,
        "erreur": False,
        "inchange": False,
        "limite": None,
        "retour": retour,
        "retour_titre": retour_titre,
    }
    return famille, enfant, kind, actuelles, form, result


def _vue_formulaire(context, request):
    """The form, filled with the record's current values."""
    *_rest, actuelles, form, result = _page(context, request)
    result["form"] = form.render(_pour_formulaire(actuelles, form))
    return result


def deposer_demande(context, request):
    """The form sent: checked, then deposited as a request (Demande)."""
    famille, enfant, kind, actuelles, form, result = _page(context, request)
    nom_enfant = enfant.__name__ if enfant is not None else None
    retour = result["retour"]
    controls, iban_masque = _controles(request, actuelles, imbrique=bool(_sequences(form.schema)))
    try:
        appstruct = form.validate(controls)
    except deform.ValidationFailure as failure:
        if iban_masque:
            failure.field["iban"].cstruct = masquer_iban(actuelles["iban"])
        result["form"] = failure.render()
        result["erreur"] = True
        return result
    cases = {node.name for node in form.schema.children if isinstance(node.typ, colander.Boolean)}
    valeurs = changements(actuelles, appstruct, _envoyes(controls), cases)
    if not valeurs:
        result["form"] = form.render(_pour_formulaire(actuelles, form))
        result["inchange"] = True
        return result
    try:
        limites.compter(request.registry.settings, famille, limites.DEMANDES)
    except limites.LimiteAtteinte as refus:
        # nothing written; what was typed is shown again (the IBAN masked
        # if it was sent back masked)
        limites.reessayer(request.response, refus)
        if iban_masque:
            appstruct["iban"] = masquer_iban(actuelles["iban"])
        result["form"] = form.render(appstruct)
        result["limite"] = traduire(request, refus.args[0])
        return result
    _demande, remplacee = service.deposer(
        famille,
        kind.nom,
        valeurs,
        request.user.__name__,
        request.registry,
        enfant=nom_enfant,
    )
    message = request.localizer.translate(
        _("Votre demande a été transmise au service enfance jeunesse.")
    )
    if remplacee is not None:
        message += " " + request.localizer.translate(
            _("Elle remplace votre demande précédente, qui était encore en attente.")
        )
    request.session.flash(message, "portail")
    return HTTPFound(retour)


for _vue, _nom in FORMULAIRES.items():
    for _methode, _fonction in (("GET", _vue_formulaire), ("POST", deposer_demande)):
        view_config(
            context=IEnfant if TYPES[_nom].pour_enfant else IFamille,
            name=_vue,
            renderer="templates/demande.pt",
            permission=P.DEMANDE_CREER,
            request_method=_methode,
        )(_fonction)
# (venusian would register deposer_demande again under this module-level name)
del _methode, _fonction


# --- Liste des demandes ------------------------------------------------------------


def jours_listes(settings):
    """How many days back "Liste des demandes" goes (``portail.demandes_jours``)."""
    try:
        jours = int(settings.get("portail.demandes_jours", JOURS_DEFAUT))
    except (TypeError, ValueError):
        return JOURS_DEFAUT
    return jours if jours > 0 else JOURS_DEFAUT


def _cellule(texte="", avant=None, entete=False, modifie=False):
    return {"texte": texte, "avant": avant, "entete": entete, "modifie": modifie}


def _joindre(request, demande, valeurs, names):
    parts = [afficher(request, demande.type_demande, n, valeurs.get(n)) for n in names]
    return " ".join(p for p in parts if p)


def _cellules_personne(request, demande):
    """The manual's columns for a responsable/conjoint request: what it
    changes (with the value before), the person's name for reference."""
    cells = []
    for key, _title, names in COLONNES_PERSONNE:
        changed = [n for n in names if n in demande.valeurs]
        if changed:
            new = _joindre(request, demande, demande.valeurs, changed)
            old = _joindre(request, demande, demande.anciennes, changed)
            cells.append(_cellule(new or _non_renseigne(request), avant=old or None, modifie=True))
        elif key == "responsable":
            section = getattr(demande.famille, demande.type.section)
            cells.append(_cellule(_joindre(request, demande, section, names)))
        else:
            cells.append(_cellule())
    return cells


def _non_renseigne(request):
    return request.localizer.translate(_("non renseigné"))


def _modifications(request, demande):
    """'Label : ancienne → nouvelle' for what the manual's columns do not show."""
    lines = []
    if demande.jour is not None:  # a day of the planning: what it asks for
        lines = ["%s : %s" % (traduire(request, title), value) for title, value in demande.resume()]
        if demande.etat == LISTE_ATTENTE:
            lines.append(traduire(request, _("Liste d'attente : la journée est complète.")))
        return lines + _decision(request, demande)
    if sante_cachee(request, demande):
        return [traduire(request, SANTE_MASQUEE)]
    if demande.type.decrire is not None:
        return demande.type.decrire(request, demande) + _decision(request, demande)
    for name, title, old, new in demande.changements():
        if demande.type_demande in PERSONNES and name in CHAMPS_COLONNES:
            continue
        old_text = afficher(request, demande.type_demande, name, old) or _non_renseigne(request)
        new_text = afficher(request, demande.type_demande, name, new) or _non_renseigne(request)
        title = affichage.titre(name, traduire(request, title))
        lines.append("%s : %s → %s" % (title, old_text, new_text))
    return lines + _decision(request, demande)


def _decision(request, demande):
    """The lines of an answer a type names its own way ("Décision : Absent
    excusé") and of an acceptance's reason, when the agent gave one."""
    lines = []
    if demande.etat in demande.type.decisions:
        lines.append(
            traduire(
                request,
                _(
                    "Décision : ${decision}",
                    mapping={"decision": traduire(request, cycle.decision(demande))},
                ),
            )
        )
    if demande.etat == ACCEPTEE and demande.motif_acceptation:
        lines.append(
            traduire(
                request,
                _("Motif de la décision : ${motif}", mapping={"motif": demande.motif_acceptation}),
            )
        )
    return lines


def _date(moment):
    if moment is None:
        return {"texte": "", "iso": None}
    return {"texte": affichage.valeur("date", moment), "iso": moment.isoformat()}


def _documents(request, demande):
    """A row's documents (links to the family's own), what the service
    asked for, and the link to add one (a parent who may make requests)."""
    translate = request.localizer.translate
    lien = None
    if request.has_permission(P.DEMANDE_CREER, demande.famille) and joignable(demande):
        if demande.etat == ATTENTE_FAMILLE:
            texte = _("Envoyer le document")
        elif demande.etat == REFUSEE:
            texte = _("Répondre avec un document")
        else:
            texte = _("Joindre un document")
        lien = {
            "url": request.resource_path(demande, VUE_JOINDRE),
            "texte": translate(texte),
            "quoi": translate(
                _(
                    "${type}, demande du ${date}",
                    mapping={
                        "type": translate(demande.type.titre),
                        "date": _jour(demande.date_demande),
                    },
                )
            )
            + (" (%s)" % demande.prenom_enfant if demande.enfant else ""),
        }
    return {
        "pieces": [
            {
                "texte": "%s : %s" % (translate(p.libelle_nature), p.nom),
                "url": request.resource_path(demande, "piece", query={"n": rang}),
            }
            for rang, p in enumerate(demande.pieces, start=1)
            if pieces.peut_lire(request, demande, p)
        ],
        "document_demande": (
            translate(
                _(
                    "Document demandé par le service : ${document}",
                    mapping={"document": pieces.document_demande(request, demande)},
                )
            )
            if demande.etat == ATTENTE_FAMILLE
            else None
        ),
        "joindre": lien,
    }


# The states shown in the table of another (pending: waiting for a place or
# for the family's document).
EN_COURS_LISTE = frozenset(((EN_ATTENTE, LISTE_ATTENTE), (EN_ATTENTE, ATTENTE_FAMILLE)))

TABLEAUX = (
    (EN_ATTENTE, "en-attente", _("Demandes en attente"), _("Aucune demande en attente.")),
    (REFUSEE, "refusees", _("Demandes refusées"), _("Aucune demande refusée.")),
    (ACCEPTEE, "acceptees", _("Demandes acceptées"), _("Aucune demande acceptée.")),
)


def _tableau(request, etat, ident, titre, vide, demandes, filtre):
    translate = request.localizer.translate
    personnes = any(d.type_demande in PERSONNES for d in demandes)
    enfants = any(d.type.onglet == ONGLET_ENFANTS for d in demandes)
    lignes = []
    for demande in demandes:
        cells = []
        if filtre is None:
            cells.append(_cellule(translate(demande.type.filtre), entete=True))
        if enfants:
            cells.append(_cellule(demande.prenom_enfant, entete=filtre is not None))
        if personnes:
            person = (
                _cellules_personne(request, demande)
                if demande.type_demande in PERSONNES
                else [_cellule() for _c in COLONNES_PERSONNE]
            )
            if filtre is not None:
                person[0]["entete"] = True
            cells.extend(person)
        modifications = _modifications(request, demande)
        lignes.append(
            {
                **_documents(request, demande),
                "cellules": cells,
                "modifications": modifications,
                "date_demande": _date(demande.date_demande),
                "date_traitement": _date(demande.date_traitement),
                "motif": demande.motif_refus,
            }
        )
    avec_modifications = (
        any(ligne["modifications"] or ligne["pieces"] for ligne in lignes) or not personnes
    )
    entetes = []
    if filtre is None:
        entetes.append(translate(_("Demande")))
    if enfants:
        entetes.append(translate(_("Enfant")))
    if personnes:
        entetes.extend(translate(title) for _key, title, _names in COLONNES_PERSONNE)
    if avec_modifications:
        entetes.append(translate(_("Modifications")))
    entetes.append(translate(_("Date.demande")))
    if etat == REFUSEE:
        entetes.extend((translate(_("Date.refus")), translate(_("Motif.refus"))))
    elif etat == ACCEPTEE:
        entetes.append(translate(_("Date.acceptation")))
    return {
        "etat": etat,
        "id": ident,
        "titre": translate(titre),
        "vide": translate(vide),
        "entetes": entetes,
        "lignes": lignes,
        "avec_modifications": avec_modifications,
    }


@view_config(
    context=IFamille,
    name="liste-des-demandes",
    renderer="templates/liste_des_demandes.pt",
    permission=P.FAMILLE_VOIR,
)
def liste_des_demandes(context, request):
    sans_sous_chemin(request)
    onglet = request.GET.get("onglet")
    if onglet not in dict(ONGLETS):
        onglet = ONGLET_COMPTE
    kinds = types_of(onglet)
    filtre = request.GET.get("type")
    if filtre not in {kind.nom for kind in kinds}:
        filtre = None
    jours = jours_listes(request.registry.settings)
    demandes = service.recentes(request.root, context, onglet, jours, type_demande=filtre)
    # Health data or bank details read by staff: audited (a write on GET, on purpose).
    # (Not those whose values are not shown: P.SANTE_VOIR.)
    audit.noter_demandes_personnel(
        request, context, [d for d in demandes if not sante_cachee(request, d)]
    )

    def lien(**query):
        return request.resource_path(context, "liste-des-demandes", query=query)

    onglets = [
        {"titre": traduire(request, titre), "url": lien(onglet=nom), "actif": nom == onglet}
        for nom, titre in ONGLETS
    ]
    filtres = []
    if kinds:
        filtres.append(
            {
                "titre": request.localizer.translate(_("Toutes")),
                "url": lien(onglet=onglet),
                "actif": filtre is None,
            }
        )
        filtres.extend(
            {
                "titre": traduire(request, kind.filtre),
                "url": lien(onglet=onglet, type=kind.nom),
                "actif": kind.nom == filtre,
            }
            for kind in kinds
        )
    tableaux = [
        _tableau(
            request,
            etat,
            ident,
            titre,
            vide,
            [d for d in demandes if d.etat == etat or (etat, d.etat) in EN_COURS_LISTE],
            filtre,
        )
        for etat, ident, titre, vide in TABLEAUX
    ]
    return {
        "famille": context,
        "onglet": onglet,
        "onglets": onglets,
        "filtres": filtres,
        "filtre": traduire(request, TYPES[filtre].filtre) if filtre else None,
        "jours": jours,
        "aucune": not demandes,
        "tableaux": tableaux,
    }
