"""A family's requests folder reads both kinds, under one set of names:
the requests that are content and the records of its register."""

import datetime

import pytest
from persistent import Persistent

from portail_famille.demandes.resources import Demandes, nom_consigne


class Chose(Persistent):
    pass


def test_the_folder_reads_content_and_register_alike():
    demandes = Demandes()
    contenu = Chose()
    demandes.add("ABC1234", contenu, send_events=False)  # no objectmap here
    moments = [datetime.datetime(2026, 12, 1, 8, m, tzinfo=datetime.UTC) for m in (0, 5)]
    consignees = [Chose(), Chose()]
    for moment, chose in zip(moments, consignees, strict=True):
        demandes.consigne(nom_consigne(moment), chose)
    noms = [c.__name__ for c in consignees]
    assert all(c.__parent__ is demandes for c in consignees)
    assert demandes[noms[0]] is consignees[0] and demandes["ABC1234"] is contenu
    assert demandes.get(noms[1]) is consignees[1] and demandes.get("nope") is None
    assert noms[0] in demandes and "ABC1234" in demandes and "nope" not in demandes
    assert len(demandes) == 3
    assert sorted(demandes.keys()) == sorted(list(demandes)) == sorted(["ABC1234", *noms])
    assert {id(v) for v in demandes.values()} == {id(contenu), *map(id, consignees)}
    assert dict(demandes.items())[noms[1]] is consignees[1]
    # The register, newest first; a name already taken is refused.
    assert list(demandes.consignes_recentes()) == consignees[::-1]
    with pytest.raises(KeyError):
        demandes.consigne(noms[0], Chose())
    with pytest.raises(KeyError):
        demandes["nope"]


def test_names_sort_by_date_even_within_a_microsecond():
    moment = datetime.datetime(2026, 12, 1, 8, 0, 0, 999999, tzinfo=datetime.UTC)
    plus_tard = moment + datetime.timedelta(microseconds=1)
    noms = sorted({nom_consigne(moment) for _ in range(50)})
    assert len(noms) > 1 and len({len(n) for n in noms}) == 1
    assert all(n < nom_consigne(plus_tard) for n in noms)
