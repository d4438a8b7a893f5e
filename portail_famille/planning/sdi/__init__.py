"""The planning's screens in the SDI (agents):

- ``effectifs``: a Prestation's "Effectifs" (the day's children, the
  waiting list) and "Pointage" (attendance);
- ``inscriptions``: an Enfant's "Inscriptions" tab (adding one books its
  contract days, ``service.reserver_contrat``);
- ``listes``: a Prestation's "Liste du jour" and the Structures folder's
  "Commande des repas" (screen, PDF, CSV, XLSX);
- ``presence``: a Prestation's weekly "Feuille de présence" (the same);
- ``statistiques``: the Structures folder's "Statistiques CAF";
- ``fermeture``: "Ajouter une fermeture" on the Calendrier (the bookings
  it cancels, then a confirmation)."""
