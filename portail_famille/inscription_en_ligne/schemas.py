"""Forms of online enrolment: the staff's opening of an activity (SDI) and
the titles of a request's values (the queue's table)."""

import colander
import deform.schema
import deform.widget
from substanced.schema import Schema

from ..calendrier.schemas import Date
from ..champs import OBLIGATOIRE, texte
from ..demandes.pieces import NATURES
from ..i18n import _
from ..inscriptions import annees
from ..sdi import envoi
from ..structures.schemas import Entier

QUESTIONS_MAX = 20
QUESTION_MAX = 200


@colander.deferred
def _annees_widget(node, kw):
    values = [(a.libelle, a.title) for a in annees(kw["context"])]
    return deform.widget.SelectWidget(values=[("", "")] + values)


@colander.deferred
def _annee_valide(node, kw):
    return colander.OneOf(
        [a.libelle for a in annees(kw["context"])], msg_err=_("Année scolaire inconnue.")
    )


def _questions(node, value):
    if len(value) > QUESTIONS_MAX * (QUESTION_MAX + 2):
        raise colander.Invalid(node, _("Texte trop long."))
    lignes = [ligne for ligne in value.splitlines() if ligne.strip()]
    if len(lignes) > QUESTIONS_MAX:
        raise colander.Invalid(node, _("Au plus ${max} questions.", mapping={"max": QUESTIONS_MAX}))
    if any(len(ligne.strip()) > QUESTION_MAX for ligne in lignes):
        raise colander.Invalid(
            node,
            _("Une question a au plus ${max} caractères.", mapping={"max": QUESTION_MAX}),
        )


def _natures_connues(node, value):
    if not set(value) <= set(NATURES):
        raise colander.Invalid(node, _("Choix invalide."))


def lignes(text):
    """The questions of a text area: one a line, blank lines left out."""
    return [" ".join(ligne.split()) for ligne in (text or "").splitlines() if ligne.strip()]


def _dates(form, value):
    if value["fin"] < value["debut"]:
        error = colander.Invalid(form)
        error["fin"] = _("La clôture doit être le jour de l'ouverture ou après.")
        raise error


class OuvertureSchema(Schema):
    validator = staticmethod(_dates)
    annee = colander.SchemaNode(
        colander.String(),
        title=_("Année scolaire"),
        missing_msg=OBLIGATOIRE,
        widget=_annees_widget,
        validator=_annee_valide,
    )
    debut = colander.SchemaNode(
        Date(), title=_("Ouverture des inscriptions"), missing_msg=OBLIGATOIRE
    )
    fin = colander.SchemaNode(Date(), title=_("Clôture des inscriptions"), missing_msg=OBLIGATOIRE)
    places = colander.SchemaNode(
        Entier(),
        title=_("Nombre de places"),
        missing_msg=OBLIGATOIRE,
        validator=colander.Range(min=1, max=10000, min_err=_("Au moins 1 place.")),
    )
    questions_texte = colander.SchemaNode(
        colander.String(),
        title=_("Questions à réponse libre (une par ligne)"),
        missing="",
        validator=_questions,
        widget=deform.widget.TextAreaWidget(rows=3),
    )
    questions_oui_non = colander.SchemaNode(
        colander.String(),
        title=_("Questions à répondre par oui ou non (une par ligne)"),
        missing="",
        validator=_questions,
        widget=deform.widget.TextAreaWidget(rows=3),
    )
    pieces = colander.SchemaNode(
        colander.Set(),
        title=_("Documents à fournir"),
        missing=frozenset(),
        validator=_natures_connues,
        widget=deform.widget.CheckboxChoiceWidget(values=list(NATURES.items())),
    )
    reglement_version = texte(_("Version du règlement intérieur"), 40, missing_msg=OBLIGATOIRE)
    reglement_texte = texte(
        _("Règlement intérieur (texte)"),
        20000,
        missing="",
        widget=deform.widget.TextAreaWidget(rows=6),
    )
    reglement_fichier = colander.SchemaNode(
        deform.schema.FileData(),
        title=_("Règlement intérieur (PDF, 5 Mo au plus)"),
        description=_("Vide : le fichier déjà enregistré est gardé."),
        widget=envoi.envoi_widget,
        missing=colander.null,
    )


class DemandeInscriptionSchema(colander.Schema):
    """The values of a request, as the queue's table titles them."""

    activite = colander.SchemaNode(colander.String(), title=_("Activité"))
    annee = colander.SchemaNode(colander.String(), title=_("Année scolaire"))
    jours = colander.SchemaNode(colander.String(), title=_("Contrat régulier"))
    reglement = colander.SchemaNode(
        colander.String(), title=_("Règlement intérieur accepté (version, date)")
    )
