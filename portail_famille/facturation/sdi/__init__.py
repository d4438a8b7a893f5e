"""The régie's screens in the SDI (régisseurs, administrators):

- ``facturation``: a Régie's "Facturation" tab (a billing run: the
  invoices are numbered and issued by ``service.emettre_facture``) and a
  Prestation's "Tarifs";
- ``compte``: a family's "Compte" (its operations, "Enregistrer un
  règlement") and the pages of an invoice, a payment, a credit note;
- ``corrections``: cancelling a payment, refunding a credit;
- ``journal``: a Régie's numbered operations in number order;
- ``regularisations``: the days changed after they were billed;
- ``regies``: adding a Régie;
- ``documents_figes``: the Régies' "Documents figés" (the batch of PDFs, queued)."""
