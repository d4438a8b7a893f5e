import json

from portail_famille.journal import Journal


def test_entries_newest_first_with_filters():
    journal = Journal()
    for i in range(5):
        journal.add("DemandeAcceptee", "agent", i, now=1_000 + i * 5_000, famille="1")
    journal.add("IbanConsulte", "regisseur", 99, now=1_010, famille="2")
    entries = journal.latest(10)
    assert [e["objet"] for e in entries] == [4, 3, 2, 1, 99, 0]
    assert [e["objet"] for e in journal.latest(2, action="DemandeAcceptee")] == [4, 3]
    assert journal.latest(5, objet=99)[0]["qui"] == "regisseur"
    assert journal.latest(5, objet=99)[0]["details"] == {"famille": "2"}


def test_same_instant_entries_are_all_kept():
    journal = Journal()
    keys = {journal.add("X", "a", None, now=42.0) for _ in range(3)}
    assert len(keys) == 3 and len(journal.entries) == 3


def test_details_are_stored_as_json_text():
    journal = Journal()
    key = journal.add("IbanConsulte", "agent", 7, now=1.0, famille="1001001818331")
    assert json.loads(journal.entries[key][3]) == {"famille": "1001001818331"}
