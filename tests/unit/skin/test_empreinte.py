"""The static files' fingerprint (the ``v`` of their URLs): the same for
the same files, another when one changes or is added."""

from portail_famille.skin import STATIC_DIR, empreinte_statique


def test_the_fingerprint_follows_the_files_contents(tmp_path):
    (tmp_path / "portail.css").write_text("body { color: black; }")
    (tmp_path / "icones").mkdir()
    (tmp_path / "icones" / "a.png").write_bytes(b"\x89PNG")
    premiere = empreinte_statique(tmp_path)
    assert len(premiere) == 12 and int(premiere, 16) >= 0
    assert empreinte_statique(tmp_path) == premiere
    (tmp_path / "portail.css").write_text("body { color: navy; }")
    changee = empreinte_statique(tmp_path)
    assert changee != premiere
    (tmp_path / "session.js").write_text("")
    assert empreinte_statique(tmp_path) not in (premiere, changee)
    # a file renamed changes it too
    (tmp_path / "session.js").rename(tmp_path / "autre.js")
    assert len({premiere, changee, empreinte_statique(tmp_path)}) == 3


def test_the_package_static_directory_has_a_fingerprint():
    assert (STATIC_DIR / "portail.css").is_file()
    assert empreinte_statique() == empreinte_statique(STATIC_DIR)
