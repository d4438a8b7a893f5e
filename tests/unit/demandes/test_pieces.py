"""A request's supporting documents: found by their rank from a URL only
when it is one of theirs, what the service asked for in French."""

import pytest
from pyramid.testing import DummyRequest

from portail_famille.demandes import pieces
from portail_famille.demandes.resources import Demande


class Piece:
    def __init__(self, nom):
        self.nom = nom


@pytest.mark.parametrize("rang", ["0", "3", "-1", "", "x", "1.0", "0001", None, ["1"], "99999"])
def test_a_rank_that_is_not_one_of_its_documents_finds_nothing(rang):
    demande = Demande("fiscales", {}, {}, None, "jean.dupont")
    demande.pieces = [Piece("a.pdf"), Piece("b.png")]
    assert pieces.piece(demande, rang) is None


def test_ranks_from_one():
    demande = Demande("fiscales", {}, {}, None, "jean.dupont")
    demande.pieces = [Piece("a.pdf"), Piece("b.png")]
    assert [pieces.piece(demande, r).nom for r in ("1", "2")] == ["a.pdf", "b.png"]
    assert pieces.piece(Demande("fiscales", {}, {}, None, "x"), "1") is None


def test_what_the_service_asked_for():
    request = DummyRequest()
    demande = Demande("fiscales", {}, {}, None, "jean.dupont")
    assert pieces.document_demande(request, demande) == ""
    demande.document_demande = {"nature": "avis_imposition", "message": "Celui de 2026"}
    assert pieces.document_demande(request, demande) == "Avis d'imposition : Celui de 2026"
    demande.document_demande = {"nature": "inconnue", "message": ""}
    assert pieces.document_demande(request, demande) == "Autre justificatif"
