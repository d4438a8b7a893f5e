/* The end of the session: shortly before the idle (or absolute) limit, the
   warning zone (role="alert") shows its message and a "Rester connecté"
   button; the button asks the server (GET /prolonger-session, which only
   reissues the session cookies) and the countdown starts again from the
   time the server gives back.  At the limit, the zone says the session has
   ended.  Nothing happens without JavaScript: the server's limits hold. */
(function () {
  "use strict";
  var zone = document.getElementById("fin-de-session");
  if (!zone || !window.fetch) {
    return;
  }
  var avertir = parseInt(zone.getAttribute("data-avertir"), 10) * 1000;
  var url = zone.getAttribute("data-prolonger");
  var avertissement = zone.querySelector(".fin-de-session-avertir");
  var maximale = zone.querySelector(".fin-de-session-maximale");
  var finie = zone.querySelector(".fin-de-session-finie");
  var bouton = avertissement.querySelector("button");
  var minuteurs = [];

  function montrer(element) {
    [avertissement, maximale, finie].forEach(function (e) {
      e.hidden = e !== element;
    });
  }

  function programmer(reste, prevenir) {
    var fin = Date.now() + reste * 1000;
    minuteurs.forEach(clearTimeout);
    minuteurs = [setTimeout(function () { montrer(finie); }, reste * 1000)];
    if (prevenir) {
      minuteurs.push(setTimeout(function () {
        if (Date.now() < fin) {
          montrer(avertissement);
        }
      }, Math.max(0, reste * 1000 - avertir)));
    }
  }

  bouton.addEventListener("click", function () {
    bouton.disabled = true;
    fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      if (!data.connecte) {
        programmer(0, false);
      } else if (data.reste * 1000 <= avertir) {
        /* The absolute limit: no more extension. */
        montrer(maximale);
        programmer(data.reste, false);
      } else {
        montrer(null);
        programmer(data.reste, true);
      }
    }).catch(function () {
      /* The server did not answer: the warning stays, the button works again. */
    }).then(function () {
      bouton.disabled = false;
    });
  });

  programmer(parseInt(zone.getAttribute("data-reste"), 10), true);
}());
