"""Evolve step25 on a database whose families were never indexed for the
search (the catalog without its ``famille_*`` indexes, as before the
search existed): the indexes come, every family is in them (its mots, its
sort name, its summary), and a search finds DUPONT with his children."""

from substanced.util import find_catalog, get_oid

from portail_famille.demo import DUPONT
from portail_famille.evolve import STEPS, step25
from portail_famille.familles.catalog import INDEXES, chercher, resumes
from portail_famille.familles.resources import IFamille

from ...conftest import with_root


def _sans_index(root, registry):
    catalog = find_catalog(root, "portail")
    for name in INDEXES:
        del catalog[name]
    familles = [f for f in root["familles"].values() if IFamille.providedBy(f)]
    return [get_oid(f) for f in familles]


def _apres(root, registry):
    catalog = find_catalog(root, "portail")
    total, docids = chercher(catalog, "dup", 20)
    return (
        {name: catalog[name].indexed_count() for name in INDEXES},
        (total, docids),
        resumes(catalog, docids),
        get_oid(root["familles"][DUPONT["numero"]]),
    )


def test_step25_indexes_families_never_indexed(app):
    assert "step25" in STEPS
    oids = with_root(app.app, _sans_index)
    assert len(oids) >= 2

    def avant(root, registry):
        catalog = find_catalog(root, "portail")
        return [name for name in INDEXES if name in catalog]

    assert with_root(app.app, avant) == []
    with_root(app.app, step25.evolve)
    counts, (total, docids), (resume,), dupont = with_root(app.app, _apres)
    assert counts == {name: len(oids) for name in INDEXES}
    assert (total, docids) == (1, [dupont])
    numero, responsable, conjoint, partie_le, enfants = resume
    assert (numero, responsable, partie_le) == (DUPONT["numero"], "DUPONT JEAN", None)
    assert "LUCAS" in [prenom for prenom, _naissance in enfants]
    # Run again: nothing changes.
    with_root(app.app, step25.evolve)
    assert with_root(app.app, _apres)[:2] == (counts, (total, docids))
