"""The family home page ("Accueil"): the family's record in short, its
operations in progress and unpaid invoices (``facturation.views.en_cours``)
and the news on the front page (``actualites.views.a_la_une``)."""

from pyramid.view import view_config

from .. import dates
from ..actualites.views import a_la_une
from ..facturation.views import en_cours
from ..familles.resources import IFamille
from ..security import P


@view_config(context=IFamille, renderer="templates/home.pt", permission=P.FAMILLE_VOIR)
def home(context, request):
    return {
        "famille": context,
        "responsable": context.responsable,
        "compte": en_cours(request, context, dates.today()),
        **a_la_une(request),
        # archived (``departs``): the family may still read and pay
        "partie_le": dates.courte(context.partie_le),
    }
