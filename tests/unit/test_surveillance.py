"""The pure parts of portail_famille.surveillance: the request id, the log
line, the allow-list's networks, the backups' files."""

import json
import os
import time

from portail_famille.surveillance import journal, sauvegardes, views


def test_a_well_formed_request_id_is_kept_anything_else_replaced():
    assert journal.identifiant({"HTTP_X_REQUEST_ID": "0123456789abcdef"}) == "0123456789abcdef"
    for forged in ("", "court", "a" * 65, "abcdefgh ijk", "abcdefgh\nstatut=200", "é" * 10):
        found = journal.identifiant({"HTTP_X_REQUEST_ID": forged})
        assert found != forged and len(found) == 32 and found.isalnum()
    environ = {}
    assert journal.identifiant(environ) == journal.identifiant(environ)  # one per request


def test_the_line_is_key_value_in_a_fixed_order():
    champs = {
        "duree_ms": 3.5,
        "statut": 200,
        "methode": "GET",
        "route": "r:v",
        "utilisateur": 7,
        "id": "x",
    }
    assert (
        journal.ligne(champs) == "id=x utilisateur=7 route=r:v methode=GET statut=200 duree_ms=3.5"
    )


def test_the_allow_list_reads_addresses_and_networks():
    assert [str(n) for n in views.reseaux({})] == ["127.0.0.1/32", "::1/128"]
    found = views.reseaux({views.ADRESSES: "10.0.0.0/8  192.168.1.7\n2001:db8::/32"})
    assert [str(n) for n in found] == ["10.0.0.0/8", "192.168.1.7/32", "2001:db8::/32"]


def test_the_newest_backup_file_is_read_from_data(tmp_path):
    assert sauvegardes.derniere_sauvegarde(None) is None
    assert sauvegardes.derniere_sauvegarde(str(tmp_path / "absent")) is None
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / "x.blob").write_bytes(b"")  # not walked
    assert sauvegardes.derniere_sauvegarde(str(tmp_path)) is None
    (tmp_path / "data").mkdir()
    for name, age in (("a.fsz", 7200), ("b.deltafsz", 60)):
        (tmp_path / "data" / name).write_bytes(b"x")
        os.utime(tmp_path / "data" / name, (time.time() - age,) * 2)
    assert abs(sauvegardes.derniere_sauvegarde(str(tmp_path)) - (time.time() - 60)) < 5


def test_the_restore_drill_file(tmp_path):
    path = tmp_path / "exercice.json"
    assert sauvegardes.lire_exercice(str(path)) is None
    path.write_text(json.dumps({"date": "2026-12-06T03:00:00+01:00", "ok": True, "familles": 12}))
    assert sauvegardes.lire_exercice(str(path)) == (True, 1796522400.0)
    path.write_text(
        json.dumps({"date": "2026-12-06T02:00:00", "ok": "yes"})
    )  # naive: UTC; only true is ok
    assert sauvegardes.lire_exercice(str(path)) == (False, 1796522400.0)
    for broken in ("{", "[]", json.dumps({"ok": True}), json.dumps({"date": "hier", "ok": True})):
        path.write_text(broken)
        assert sauvegardes.lire_exercice(str(path)) is None
