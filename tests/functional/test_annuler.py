"""The SDI's Undo tab on a FileStorage (its undo records carry a size) still
lists the transactions with their size, through the tab that fills in the
size RelStorage's records lack (tests/grappe/test_relstorage.py)."""

import re


def test_the_undo_tab_lists_transactions_with_their_size(admin):
    page = admin.get("/manage/@@undo", status=200)
    assert page.text.count('name="transaction"') >= 3
    # FileStorage's sizes are printed as they were
    assert re.search(r"<td>\d+</td>", page.text)
