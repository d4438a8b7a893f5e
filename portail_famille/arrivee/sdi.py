"""The SDI's "Nouvelle famille" (``/manage/familles/@@add_famille``, the
URL of the former bare add form, which this replaces).

1. The agent types the family's name: the families the staff's search
   finds for it are shown (possible duplicates), each linked to its file.
2. The form: the N° famille the system proposes (the next free one), the
   responsable (and the conjoint), their emails, how the activation link
   goes (email or letter).  When families of that name exist, the agent
   ticks that she checked them, or nothing is created.
3. The Famille, its accounts (no password) and their links are made in one
   transaction; the agent lands on the family's "Comptes parents" tab,
   where each letter is printed.
"""

import colander
import deform.widget
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view
from substanced.util import find_catalog, find_service

from .. import dates
from ..accueil.recherche import resultats
from ..catalogue import CATALOG
from ..comptes.activer import envoyer_lien
from ..comptes.sdi.parents import (
    EMAIL,
    ENVOIS,
    SANS_EMAIL,
    creer_compte,
    envoi_widget,
    login_propose,
)
from ..familles.catalog import chercher
from ..familles.resources import IFamilles
from ..familles.schemas import CIVILITES
from ..familles.sdi import numero_libre
from ..familles.validators import Telephone, email
from ..i18n import _
from ..security import P

# The possible duplicates shown at most.
DOUBLONS_MAX = 10
LONGUEUR_MAX = 100
DOUBLONS_NON_VERIFIES = _(
    "Des familles portent déjà ce nom : vérifiez qu'il ne s'agit pas de l'une d'elles, "
    "puis cochez cette case."
)


def doublons(request, nom):
    """(how many families the search finds for ``nom``, the first ones as
    the search shows them)."""
    nom = (nom or "").strip()[:LONGUEUR_MAX]
    if not nom:
        return 0, []
    catalog = find_catalog(request.root, CATALOG)
    total, docids = chercher(catalog, nom, DOUBLONS_MAX)
    return total, resultats(request, catalog, docids, dates.today())


def _texte(title, max_length=100, missing="", **kw):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        missing=missing,
        validator=colander.Length(max=max_length),
        **kw,
    )


def _civilite():
    return colander.SchemaNode(
        colander.String(),
        title=_("Civilité"),
        missing="",
        validator=colander.OneOf([v for v, _l in CIVILITES]),
        widget=deform.widget.SelectWidget(values=[("", "")] + list(CIVILITES)),
    )


class ParentSchema(colander.MappingSchema):
    civilite = _civilite()
    nom = _texte(_("Nom"))
    prenom = _texte(_("Prénom"))
    email = colander.SchemaNode(
        colander.String(),
        title=_("Email"),
        missing="",
        validator=colander.All(email, colander.Length(max=254)),
    )
    mobile = colander.SchemaNode(Telephone(), title=_("Mobile"), missing="")


@colander.deferred
def nom_cherche(node, kw):
    nom = kw["request"].GET.get("nom", "")
    return nom.strip()[:LONGUEUR_MAX].upper() if isinstance(nom, str) else ""


class ResponsableSchema(ParentSchema):
    nom = _texte(_("Nom"), default=nom_cherche)


@colander.deferred
def numero_propose(node, kw):
    return kw["context"].prochain_numero()


@colander.deferred
def controle(node, kw):
    """The checks that need more than one field: names and emails needed,
    logins free, the duplicates looked at."""
    request = kw["request"]
    users = find_service(kw["context"], "principals", "users")

    def validator(node, value):
        error = colander.Invalid(node)
        responsable, conjoint = value["responsable"], value["conjoint"]
        besoins = [("responsable", responsable)]
        if value["compte_conjoint"]:
            besoins.append(("conjoint", conjoint))
        for section, personne in besoins:
            sous = colander.Invalid(node[section])
            for champ in ("nom", "prenom"):
                if not personne[champ]:
                    sous[champ] = _("Champ obligatoire.")
            if value["envoi"] == EMAIL and not personne["email"]:
                sous["email"] = SANS_EMAIL
            if sous.children:
                error.add(sous)
        if not error.children and value["compte_conjoint"]:
            login = login_propose(users, responsable["prenom"], responsable["nom"])
            if login_propose(users, conjoint["prenom"], conjoint["nom"]) == login:
                sous = colander.Invalid(node["conjoint"])
                sous["prenom"] = _("Le conjoint porte le même nom et prénom que le responsable.")
                error.add(sous)
        total, _trouves = doublons(request, responsable["nom"])
        if total and not value["doublons_verifies"]:
            error["doublons_verifies"] = DOUBLONS_NON_VERIFIES
        if error.children:
            raise error

    return validator


class ArriveeSchema(Schema):
    numero = colander.SchemaNode(
        colander.String(),
        title=_("N° Famille (proposé : le suivant libre)"),
        validator=numero_libre,
        default=numero_propose,
    )
    responsable = ResponsableSchema(title=_("Responsable"))
    conjoint = ParentSchema(title=_("Conjoint"), missing={})
    compte_conjoint = colander.SchemaNode(
        colander.Boolean(),
        title=_("Créer aussi le compte du conjoint"),
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )
    envoi = colander.SchemaNode(
        colander.String(),
        title=_("Lien d'activation des comptes"),
        validator=colander.OneOf([v for v, _l in ENVOIS]),
        widget=envoi_widget(),
        default=EMAIL,
    )
    doublons_verifies = colander.SchemaNode(
        colander.Boolean(),
        title=_(
            "Des familles du même nom sont listées ci-dessus : j'ai vérifié qu'il "
            "s'agit d'une nouvelle famille"
        ),
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )
    validator = controle


def _personne(appstruct):
    return {
        "civilite": appstruct.get("civilite", ""),
        "nom": appstruct.get("nom", "").strip().upper(),
        "prenom": appstruct.get("prenom", "").strip().upper(),
        "email": appstruct.get("email", ""),
        "mobile": appstruct.get("mobile", ""),
    }


@mgmt_view(
    context=IFamilles,
    name="add_famille",
    permission=P.FAMILLE_MODIFIER,
    renderer="templates/arrivee.pt",
    tab_condition=False,
)
class ArriveeView(FormView):
    title = _("Nouvelle famille")
    schema = ArriveeSchema()
    buttons = (deform.Button("creer", _("Créer la famille et les comptes")),)

    def _nom(self, cstruct=None):
        if cstruct is not None:
            nom = (cstruct.get("responsable") or {}).get("nom", "")
        else:
            nom = self.request.GET.get("nom", "")
        return nom.strip()[:LONGUEUR_MAX] if isinstance(nom, str) else ""

    def _page(self, result, nom):
        total, trouves = doublons(self.request, nom)
        result.update({"nom": nom, "total": total, "doublons": trouves})
        return result

    def show(self, form):
        nom = self._nom()
        if not nom:
            return self._page({"form": None}, "")
        return self._page(super().show(form), nom)

    def failure(self, e):
        return self._page(super().failure(e), self._nom(e.cstruct))

    def creer_success(self, appstruct):
        request = self.request
        responsable = _personne(appstruct["responsable"])
        conjoint = _personne(appstruct["conjoint"] or {})
        conjoint = conjoint if any(conjoint.values()) else {}
        famille = request.registry.content.create(
            "Famille", responsable=responsable, conjoint=conjoint
        )
        self.context[appstruct["numero"]] = famille
        users = find_service(self.context, "principals", "users")
        parents = [responsable] + ([conjoint] if appstruct["compte_conjoint"] else [])
        logins = []
        for personne in parents:
            login = login_propose(users, personne["prenom"], personne["nom"])
            user = creer_compte(request, famille, login, personne["email"])
            if appstruct["envoi"] == EMAIL:
                envoyer_lien(request, user)
            logins.append(login)
        if appstruct["envoi"] == EMAIL:
            message = _(
                "Famille ${numero} créée ; compte(s) ${logins} : le lien d'activation est "
                "parti par email.",
                mapping={"numero": famille.numero, "logins": ", ".join(logins)},
            )
        else:
            message = _(
                "Famille ${numero} créée ; compte(s) ${logins} : imprimez ci-dessous la "
                "lettre d'activation de chacun.",
                mapping={"numero": famille.numero, "logins": ", ".join(logins)},
            )
        request.sdiapi.flash(request.localizer.translate(message), "success")
        return HTTPFound(request.sdiapi.mgmt_path(famille, "@@comptes"))
