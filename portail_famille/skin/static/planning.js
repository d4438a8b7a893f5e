/* The planning grid's menu: "Demande de Réservation" / "Déclarer une absence".
 *
 * Opens on a right-click, a ctrl-click, a click, a long press (touch), and
 * from the keyboard (Enter, Shift+F10, the context-menu key) on a cell.
 * The day list (phones) does its link's action at once (data-action:
 * "reservation" on a free day, "absence" on a booked one), or opens the
 * menu for the other states; a long press opens the menu there too.
 * After a long press nothing is chosen until a separate tap: the finger's
 * release (touchend, then the browser's synthetic click) is swallowed.
 * Without this script each cell is a link to its day page, which has the
 * same two forms.  The server checks every rule whatever happens here. */
(function () {
  "use strict";
  var menu = document.getElementById("menu-planning");
  var reservation = document.getElementById("form-reservation");
  var dialogue = document.getElementById("dialogue-absence");
  if (!menu || !reservation || !dialogue) {
    return;
  }
  var items = Array.prototype.slice.call(menu.querySelectorAll('[role="menuitem"]'));
  var formAbsence = dialogue.querySelector("form");
  var motif = formAbsence.elements.motif;
  // "required" takes a reason of spaces: the dialog says so itself rather
  // than sending it to the server, which would answer with the day page.
  var MOTIF_VIDE = "Indiquez la raison de l'absence.";
  var cellule = null;
  var APPUI_LONG = 500;

  function fermer(rendreFocus) {
    if (menu.hidden) {
      return;
    }
    menu.hidden = true;
    if (cellule) {
      cellule.setAttribute("aria-expanded", "false");
      if (rendreFocus) {
        cellule.focus();
      }
    }
  }

  function ouvrir(cible, x, y) {
    if (cellule && cellule !== cible) {
      cellule.setAttribute("aria-expanded", "false");
    }
    cellule = cible;
    cellule.setAttribute("aria-expanded", "true");
    menu.hidden = false;
    var rect = cible.getBoundingClientRect();
    if (x === undefined) {
      x = rect.left;
      y = rect.bottom;
    }
    var largeur = menu.offsetWidth;
    var hauteur = menu.offsetHeight;
    x = Math.max(0, Math.min(x, window.innerWidth - largeur - 4));
    y = Math.max(0, Math.min(y, window.innerHeight - hauteur - 4));
    menu.style.left = x + window.scrollX + "px";
    menu.style.top = y + window.scrollY + "px";
    items[0].focus();
  }

  // "Accueil de Loisirs ALSH Vacances journée, Lundi 21 Décembre 2026":
  // the row's title and the long date of the cell's column.
  function titre(cible) {
    var item = cible.closest("li.activite-jour");
    if (item) {
      return (
        item.querySelector(".activite").textContent +
        ", " +
        item.closest("li.jour-liste").querySelector(".jour-titre").textContent
      );
    }
    var td = cible.parentElement;
    var tr = td.parentElement;
    var entete = tr.closest("table").tHead.rows[0].cells[td.cellIndex];
    var jour = entete.querySelector("abbr");
    return tr.getAttribute("data-titre") + ", " + (jour ? jour.title : "");
  }

  function remplir(form) {
    form.elements.prestation.value =
      cellule.getAttribute("data-prestation") || cellule.closest("tr").getAttribute("data-prestation");
    form.elements.date.value = cellule.getAttribute("data-date");
  }

  function agir(action) {
    fermer(false);
    if (!cellule) {
      return;
    }
    if (action === "reservation") {
      remplir(reservation);
      reservation.submit();
      return;
    }
    remplir(formAbsence);
    dialogue.querySelector(".cellule-choisie").textContent = titre(cellule);
    motif.value = "";
    verifierMotif();
    formAbsence.elements.confirmation.checked = false;
    dialogue.showModal();
    motif.focus();
  }

  function verifierMotif() {
    motif.setCustomValidity(motif.value && !motif.value.trim() ? MOTIF_VIDE : "");
  }

  function celluleDe(event) {
    var target = event.target;
    return target && target.closest ? target.closest("a.cellule-action") : null;
  }

  document.addEventListener("contextmenu", function (event) {
    var cible = celluleDe(event);
    if (!cible) {
      return;
    }
    event.preventDefault();
    if (event.clientX || event.clientY) {
      ouvrir(cible, event.clientX, event.clientY);
    } else {
      ouvrir(cible);
    }
  });

  // After a long press and until the next touch (at most a moment), a
  // click is the finger's release: it chooses nothing.
  var sansClicJusqua = 0;

  document.addEventListener(
    "click",
    function (event) {
      if (Date.now() < sansClicJusqua) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true
  );

  document.addEventListener("click", function (event) {
    var cible = celluleDe(event);
    if (cible) {
      event.preventDefault();
      var action = cible.getAttribute("data-action");
      if (action) {
        fermer(false);
        cellule = cible;
        agir(action);
        return;
      }
      ouvrir(cible, event.clientX || undefined, event.clientY || undefined);
      return;
    }
    if (!menu.hidden && !menu.contains(event.target)) {
      fermer(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    var cible = celluleDe(event);
    if (cible && (event.key === "Enter" || (event.shiftKey && event.key === "F10"))) {
      event.preventDefault();
      ouvrir(cible);
    }
  });

  // Long press on a touch screen.
  var minuterie = null;
  var appuiLong = false;
  document.addEventListener(
    "touchstart",
    function (event) {
      sansClicJusqua = 0;
      var cible = celluleDe(event);
      if (!cible) {
        return;
      }
      var touche = event.touches[0];
      appuiLong = false;
      minuterie = window.setTimeout(function () {
        minuterie = null;
        appuiLong = true;
        ouvrir(cible, touche.clientX, touche.clientY);
      }, APPUI_LONG);
    },
    { passive: true }
  );
  // The release of a long press: no click (the menu is under the finger).
  document.addEventListener(
    "touchend",
    function (event) {
      if (appuiLong) {
        appuiLong = false;
        event.preventDefault();
        sansClicJusqua = Date.now() + 600;
      }
    },
    { passive: false }
  );
  ["touchend", "touchmove", "touchcancel"].forEach(function (name) {
    document.addEventListener(
      name,
      function () {
        if (minuterie !== null) {
          window.clearTimeout(minuterie);
          minuterie = null;
        }
      },
      { passive: true }
    );
  });

  menu.addEventListener("keydown", function (event) {
    var index = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var pas = event.key === "ArrowDown" ? 1 : items.length - 1;
      items[(index + pas) % items.length].focus();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      items[event.key === "Home" ? 0 : items.length - 1].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      fermer(true);
    } else if (event.key === "Tab") {
      fermer(false);
    }
  });

  items.forEach(function (item) {
    item.addEventListener("click", function (event) {
      event.stopPropagation();
      agir(item.getAttribute("data-action"));
    });
  });

  motif.addEventListener("input", verifierMotif);

  dialogue.querySelector(".annuler").addEventListener("click", function () {
    dialogue.close();
  });

  // Annuler or Escape: the focus goes back to the cell (the dialog itself
  // would give it back to the menu item, hidden by then).
  dialogue.addEventListener("close", function () {
    if (cellule) {
      cellule.focus();
    }
  });
})();
