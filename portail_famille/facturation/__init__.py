"""Money: régies and their sequences, tariffs, invoices, credit notes,
payments, the family's account (DESIGN.md, "Money")."""
