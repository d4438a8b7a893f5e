from portail_famille.comptes.passwords import check, problems, rules


def texts(password, login="jean.dupont", min_length=8):
    return [p.interpolate() for p in problems(password, login, min_length)]


def test_a_good_password_passes():
    assert texts("Kx7vTq2mPz") == []
    assert texts("Bonbons31400") == []


def test_each_rule_of_the_manual():
    assert any("au moins 8 caractères" in t for t in texts("Ab1defg"))
    assert any("1 majuscule" in t for t in texts("abcdefg1x"))
    assert any("1 minuscule" in t for t in texts("ABCDEFG1X"))
    assert any("1 caractère numérique" in t for t in texts("Abcdefghij"))


def test_minimum_is_configurable():
    assert texts("Kx7vTq2mPz", min_length=12)
    assert texts("Kx7vTq2mPzab", min_length=12) == []


def test_common_passwords_are_refused_even_with_a_suffix():
    for common in ("Password1", "Azerty123!", "Soleil2024", "Marseille13"):
        assert any("trop courant" in t for t in texts(common)), common


def test_the_login_is_not_part_of_the_password():
    assert any("identifiant" in t for t in texts("Xx-JEAN.DUPONT-9"))


def test_very_long_passwords_are_refused():
    assert any("dépasser" in t for t in texts("Aa1" + "x" * 5000))


def test_rules_show_the_minimum_of_the_settings():
    settings = {"portail.password_min_length": "12"}
    assert str(rules(settings)[0]) == "${n} caractères minimum"
    assert rules(settings)[0].mapping == {"n": 12}
    assert rules({})[0].mapping == {"n": 8}


def test_check_reads_the_minimum_from_the_settings():
    assert check({}, "Kx7vTq2mPz", "jean.dupont") == []
    found = check({"portail.password_min_length": "12"}, "Kx7vTq2mPz", "jean.dupont")
    assert [p.interpolate() for p in found] == [
        "Le mot de passe doit comporter au moins 12 caractères."
    ]
    assert check({}, "abc") and check({}, "Jean.Dupont-2026", "jean.dupont")
