"""Colander schemas of the family record: one per section of "Mon compte"."""

from decimal import Decimal

import colander
import deform.widget
from substanced.schema import Schema

from .. import dates
from ..i18n import _
from ..montants import Montant
from . import validators as v

# Typed as amounts (montants.lire: French digits, two decimals at most),
# with maxima of their own: above them, surely a typing error.
REVENU_MAX = Decimal("10000000")
QUOTIENT_MAX = Decimal("100000")
PARTS_MAX = Decimal("20")
# How the record's decimals are written for people: amounts in euros
# ("32 500,00 €"), the others as numbers ("2,5").
MONTANTS = frozenset(("revenu_fiscal_reference", "quotient_familial"))
NOMBRES = frozenset(("nombre_parts",))

CIVILITES = (("Monsieur", _("Monsieur")), ("Madame", _("Madame")))
QUALITES = (
    ("Père", _("Père")),
    ("Mère", _("Mère")),
    ("Tuteur", _("Tuteur")),
    ("Tutrice", _("Tutrice")),
    ("Autre", _("Autre")),
)
SITUATIONS = (
    ("Célibataire", _("Célibataire")),
    ("Marié(e)", _("Marié(e)")),
    ("Pacsé(e)", _("Pacsé(e)")),
    ("Vie maritale", _("Vie maritale")),
    ("Séparé", _("Séparé")),
    ("Divorcé(e)", _("Divorcé(e)")),
    ("Veuf(ve)", _("Veuf(ve)")),
)
REGIMES = (
    ("Général", _("Régime général (CAF)")),
    ("MSA", _("MSA")),
    ("Autre", _("Autre régime")),
    ("Aucun", _("Non allocataire")),
)
SEXES = (("F", _("Fille")), ("M", _("Garçon")))
OUI_NON = (("Oui", _("Oui")), ("Non", _("Non")))
# Diets only: what the kitchen serves, never a religious label.
REGIMES_ALIMENTAIRES = (
    ("Aucun", _("Aucun")),
    ("Sans porc", _("Sans porc")),
    ("Sans viande", _("Sans viande")),
    ("Végétarien", _("Végétarien")),
)
HORS_LISTE = _("Choisissez l'une des valeurs proposées.")
PERSONNES_MAX = 10


def _first(*validators):
    """Run ``validators`` in order and report only the first failure: one
    clear message next to the field, not two about the same mistake."""

    def validator(node, value):
        for check in validators:
            check(node, value)

    return validator


def _text(title, validator=None, max_length=200, **kw):
    checks = [colander.Length(max=max_length)]
    if validator is not None:
        # The field's own check says what is expected, length included.
        checks.insert(0, validator)
    return colander.SchemaNode(
        colander.String(),
        title=title,
        missing="",
        validator=_first(*checks),
        **kw,
    )


def _choice(title, values, missing="", msg_err=None):
    choices = [value for value, _label in values]
    return colander.SchemaNode(
        colander.String(),
        title=title,
        missing=missing,
        validator=(
            colander.OneOf(choices) if msg_err is None else colander.OneOf(choices, msg_err=msg_err)
        ),
        widget=deform.widget.SelectWidget(values=[("", "")] + list(values)),
    )


def _yes_no(title):
    return colander.SchemaNode(
        colander.Boolean(),
        title=title,
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )


def _phone(title):
    return colander.SchemaNode(v.Telephone(), title=title, missing="")


# Schema (SubstanceD's) adds and checks a CSRF token in every deform form.


class PersonneSchema(Schema):
    """A responsable or a conjoint: the fields "Mon compte" shows."""

    civilite = _choice(_("Civilité"), CIVILITES)
    nom = _text(_("Nom"), max_length=100)
    prenom = _text(_("Prénom"), max_length=100)
    qualite = _choice(_("Qualité"), QUALITES)
    situation = _choice(_("Situation"), SITUATIONS)
    adresse = _text(_("Adresse"))
    code_postal = _text(_("Code postal"), v.code_postal, max_length=5)
    ville = _text(_("Ville"), max_length=100)
    telephone_domicile = _phone(_("Téléphone domicile"))
    telephone_prof = _phone(_("Téléphone prof."))
    mobile = _phone(_("Mobile"))
    email = _text(_("Email"), v.email, max_length=254)
    profession = _text(_("Profession"), max_length=100)
    csp = _text(_("CSP"), max_length=100)
    employeur = _text(_("Employeur"), max_length=100)
    adresse_employeur = _text(_("Adresse employeur"))
    autorisation_courriel = _yes_no(_("Autorisation courriel"))
    autorisation_sms = _yes_no(_("Autorisation SMS"))


class FiscalesSchema(Schema):
    annee_revenus = colander.SchemaNode(
        colander.Integer(),
        title=_("Année des revenus"),
        missing=None,
        validator=colander.Range(
            1990, 2100, min_err=_("Année invalide."), max_err=_("Année invalide.")
        ),
    )
    revenu_fiscal_reference = colander.SchemaNode(
        Montant(maximum=REVENU_MAX),
        title=_("Revenu fiscal de référence (€)"),
        missing=None,
    )
    nombre_parts = colander.SchemaNode(
        Montant(maximum=PARTS_MAX, message=_("Nombre de parts invalide.")),
        title=_("Nombre de parts"),
        missing=None,
    )


class CafSchema(Schema):
    regime = _choice(_("Régime allocataire"), REGIMES)
    numero_allocataire = _text(_("N° allocataire"), v.numero_allocataire, max_length=10)
    quotient_familial = colander.SchemaNode(
        Montant(maximum=QUOTIENT_MAX),
        title=_("Quotient familial (€)"),
        missing=None,
    )


class BancairesSchema(Schema):
    titulaire_compte = _text(_("Titulaire du compte"), max_length=100)
    nom_banque = _text(_("Nom banque"), max_length=100)
    iban = _text(_("IBAN"), v.iban, max_length=42)
    bic = _text(_("BIC"), v.bic, max_length=11)
    organisme_rattachement = _text(_("Organisme rattachement"), max_length=100)


class FamilleSchema(Schema):
    numero = colander.SchemaNode(
        colander.String(), title=_("N° Famille"), validator=v.numero_famille
    )


class EnfantSchema(Schema):
    nom = _text(_("Nom"), max_length=100)
    prenom = _text(_("Prénom"), max_length=100)
    sexe = _choice(_("Sexe"), SEXES)
    date_naissance = colander.SchemaNode(
        colander.Date(), title=_("Date de naissance"), missing=None
    )
    ecole = _text(_("École"), max_length=100)
    classe = _text(_("Classe"), max_length=50)


def _pas_dans_le_futur(message):
    def validator(node, value):
        if value is not None and value > dates.today():
            raise colander.Invalid(node, message)

    return validator


class NouvelEnfantSchema(EnfantSchema):
    """A child to come (request "Nouvel enfant"): name and birth date needed."""

    nom = colander.SchemaNode(
        colander.String(),
        title=_("Nom"),
        validator=colander.Length(min=1, max=100),
        missing_msg=_("Indiquez le nom de l'enfant."),
    )
    prenom = colander.SchemaNode(
        colander.String(),
        title=_("Prénom"),
        validator=colander.Length(min=1, max=100),
        missing_msg=_("Indiquez le prénom de l'enfant."),
    )
    sexe = _choice(_("Sexe"), SEXES, msg_err=HORS_LISTE)
    date_naissance = colander.SchemaNode(
        v.DateFr(),
        title=_("Date de naissance"),
        missing_msg=_("Indiquez la date de naissance (JJ/MM/AAAA)."),
        validator=_pas_dans_le_futur(_("La date de naissance ne peut pas être dans le futur.")),
    )


# --- The child's file: Autorisations, Données sanitaires ------------------------


def _personne_complete(node, value):
    """A person authorised to pick the child up needs at least a name and a
    phone number (a row left empty is not a person: the list drops it)."""
    if all(item in ("", None) for item in value.values()):
        return
    error = None
    for name, message in (
        ("nom", _("Indiquez le nom de la personne.")),
        ("telephone", _("Indiquez le téléphone de la personne.")),
    ):
        if not value.get(name):
            error = error or colander.Invalid(node, _("Personne incomplète."))
            error[name] = message
    if error is not None:
        raise error


class PersonneAutoriseeSchema(colander.MappingSchema):
    nom = _text(_("Nom"), max_length=100)
    prenom = _text(_("Prénom"), max_length=100)
    lien = _text(_("Lien de parenté"), max_length=100)
    telephone = _phone(_("Téléphone"))


def sans_lignes_vides(items):
    """The rows of a list left entirely empty are not persons."""
    if not isinstance(items, list):
        return items
    return [item for item in items if any(value not in ("", None) for value in item.values())]


class AutorisationsSchema(Schema):
    personnes_autorisees = colander.SchemaNode(
        colander.Sequence(),
        PersonneAutoriseeSchema(
            name="personne", title=_("Personne autorisée"), validator=_personne_complete
        ),
        title=_("Personnes autorisées à venir chercher l'enfant"),
        missing=colander.drop,
        preparer=sans_lignes_vides,
        validator=colander.Length(
            max=PERSONNES_MAX,
            max_err=_("${max} personnes au plus.", mapping={"max": PERSONNES_MAX}),
        ),
        widget=deform.widget.SequenceWidget(),
    )
    partir_seul = _choice(_("Autorisation de partir seul"), OUI_NON, msg_err=HORS_LISTE)
    photos = _choice(_("Autorisation photos"), OUI_NON, msg_err=HORS_LISTE)
    soins_urgence = _choice(_("Autorisation de soins d'urgence"), OUI_NON, msg_err=HORS_LISTE)


class SanitairesSchema(Schema):
    allergies = _text(_("Allergies"), max_length=500)
    regime_alimentaire = _choice(_("Régime alimentaire"), REGIMES_ALIMENTAIRES, msg_err=HORS_LISTE)
    pai = _choice(_("PAI (projet d'accueil individualisé)"), OUI_NON, msg_err=HORS_LISTE)
    pai_precisions = _text(_("Précisions sur le PAI"), max_length=500)
    medecin_nom = _text(_("Médecin traitant"), max_length=100)
    medecin_telephone = _phone(_("Téléphone du médecin traitant"))
    vaccinations_a_jour = _choice(_("Vaccinations à jour"), OUI_NON, msg_err=HORS_LISTE)
    date_dernier_rappel = colander.SchemaNode(
        v.DateFr(),
        title=_("Date du dernier rappel"),
        missing=None,
        validator=_pas_dans_le_futur(
            _("La date du dernier rappel ne peut pas être dans le futur.")
        ),
    )
    lunettes = _choice(_("Port de lunettes"), OUI_NON, msg_err=HORS_LISTE)
    remarques = _text(_("Remarques"), max_length=1000)


class PlanningSchema(Schema):
    """The fields of a reservation or absence request made from the
    planning grid, as "Liste des demandes" and the agents' queue show them
    (the forms themselves are in ``portail_famille.planning``)."""

    activite = colander.SchemaNode(colander.String(), title=_("Activité"))
    jour = colander.SchemaNode(colander.String(), title=_("Date"))
    motif = colander.SchemaNode(colander.String(), title=_("Motif"), missing="")
