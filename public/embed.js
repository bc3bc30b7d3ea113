/*!
 * AI Mass Studio chat widget loader. Plain JS, no dependencies.
 *
 *   <script src="https://STUDIO_HOST/embed.js" data-model="EMBED_ID" async></script>
 *
 * Adds a chat bubble (the owner's colour, position and avatar). The widget itself lives in an
 * iframe from the studio, created on first open, so the model is only downloaded when someone opens
 * the chat; it then runs in the visitor's browser. Works only on websites the owner allowed.
 *
 * API, once loaded (window dispatches "aimassstudio:load"):
 *   AIMassStudio.open()                 open the chat
 *   AIMassStudio.close()                close it
 *   AIMassStudio.toggle()
 *   AIMassStudio.send(text)             open the chat and send text as the visitor
 *   AIMassStudio.on("answer", cb)       cb({input, text, label, confidence, fallback}) after each answer
 *   AIMassStudio.on("open" | "close" | "ready", cb);  AIMassStudio.off(event, cb)
 *
 * Messages go to and come from the studio's exact origin only, never "*".
 */
(function () {
  "use strict";
  if (window.AIMassStudio) return;
  var script = document.currentScript;
  if (!script) {
    var found = document.querySelectorAll("script[data-model]");
    script = found[found.length - 1];
  }
  if (!script || !script.src) return;
  var slug = script.getAttribute("data-model") || "";
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(slug)) return warn("data-model is missing or not valid.");
  var appOrigin = new URL(script.src, location.href).origin;
  var pageOrigin = location.origin;

  var listeners = { answer: [], open: [], close: [], ready: [] };
  var theme = null;
  var bubble = null;
  var panel = null;
  var frame = null;
  var isOpen = false;
  var ready = false;
  var wantOpen = false;
  var queue = [];

  function warn(text) {
    if (window.console) console.warn("[AI Mass Studio] " + text);
  }

  function emit(name, value) {
    var list = listeners[name].slice();
    for (var i = 0; i < list.length; i++) {
      try {
        list[i](value);
      } catch (e) {
        warn("an " + name + " listener failed: " + e);
      }
    }
  }

  function style(el, props) {
    for (var k in props) if (Object.prototype.hasOwnProperty.call(props, k)) el.style[k] = props[k];
  }

  function build() {
    var side = theme.position === "bottom-left" ? "left" : "right";
    bubble = document.createElement("button");
    bubble.type = "button";
    bubble.setAttribute("data-ams", "bubble");
    bubble.setAttribute("aria-label", theme.title);
    bubble.setAttribute("aria-expanded", "false");
    bubble.textContent = theme.avatar || "?";
    style(bubble, {
      position: "fixed",
      bottom: "20px",
      width: "56px",
      height: "56px",
      borderRadius: "50%",
      border: "0",
      background: theme.color,
      color: "#fff",
      fontSize: "24px",
      lineHeight: "56px",
      cursor: "pointer",
      boxShadow: "0 4px 14px rgba(0,0,0,.25)",
      zIndex: "2147483646",
    });
    bubble.style[side] = "20px";
    bubble.addEventListener("click", toggle);

    panel = document.createElement("div");
    panel.setAttribute("data-ams", "panel");
    style(panel, {
      position: "fixed",
      bottom: "88px",
      width: "min(380px, calc(100vw - 40px))",
      height: "min(560px, calc(100vh - 120px))",
      borderRadius: "12px",
      overflow: "hidden",
      boxShadow: "0 8px 30px rgba(0,0,0,.3)",
      background: "#fff",
      display: "none",
      zIndex: "2147483647",
    });
    panel.style[side] = "20px";
    document.body.appendChild(panel);
    document.body.appendChild(bubble);
    if (wantOpen) open();
  }

  function createFrame() {
    frame = document.createElement("iframe");
    frame.src = appOrigin + "/embed/" + encodeURIComponent(slug) + "?origin=" + encodeURIComponent(pageOrigin) + "&loader=1";
    frame.title = theme.title;
    frame.setAttribute("data-ams", "frame");
    // Voice-command models listen through the microphone (the browser still asks the visitor).
    frame.setAttribute("allow", "microphone");
    style(frame, { width: "100%", height: "100%", border: "0" });
    panel.appendChild(frame);
  }

  function open() {
    if (!panel) {
      wantOpen = true;
      return;
    }
    if (!frame) createFrame();
    panel.style.display = "block";
    bubble.setAttribute("aria-expanded", "true");
    if (!isOpen) {
      isOpen = true;
      emit("open");
    }
  }

  function close() {
    wantOpen = false;
    if (!panel || !isOpen) return;
    panel.style.display = "none";
    bubble.setAttribute("aria-expanded", "false");
    isOpen = false;
    emit("close");
    bubble.focus();
  }

  function toggle() {
    if (isOpen) close();
    else open();
  }

  function post(message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, appOrigin);
  }

  function send(text) {
    if (typeof text !== "string" || !text.trim()) return;
    open();
    if (ready) post({ type: "ams:send", text: text });
    else queue.push(text);
  }

  window.addEventListener("message", function (event) {
    // Only our own iframe, from the studio's exact origin.
    if (event.origin !== appOrigin || !frame || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || typeof data !== "object") return;
    if (data.type === "ams:ready") {
      ready = true;
      emit("ready");
      while (queue.length) post({ type: "ams:send", text: queue.shift() });
    } else if (data.type === "ams:answer" && data.answer && typeof data.answer === "object") {
      var a = data.answer;
      emit("answer", {
        input: String(a.input || ""),
        text: String(a.text || ""),
        label: typeof a.label === "string" ? a.label : null,
        confidence: typeof a.confidence === "number" ? a.confidence : null,
        fallback: a.fallback === true,
      });
    } else if (data.type === "ams:close") {
      close();
    }
  });

  window.AIMassStudio = {
    open: open,
    close: close,
    toggle: toggle,
    send: send,
    on: function (name, cb) {
      if (listeners[name] && typeof cb === "function") listeners[name].push(cb);
    },
    off: function (name, cb) {
      if (!listeners[name]) return;
      var i = listeners[name].indexOf(cb);
      if (i >= 0) listeners[name].splice(i, 1);
    },
  };
  window.dispatchEvent(new Event("aimassstudio:load"));

  // The server answers only for a page on an allowed origin (it checks the Origin header).
  fetch(appOrigin + "/api/public/embed/" + encodeURIComponent(slug), { credentials: "omit" })
    .then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    })
    .then(function (json) {
      var t = json && json.embed && json.embed.theme;
      if (!t) throw new Error("no theme");
      theme = {
        title: String(t.title || ""),
        color: /^#[0-9a-f]{6}$/i.test(t.color) ? t.color : "#1f5ad6",
        position: t.position === "bottom-left" ? "bottom-left" : "bottom-right",
        avatar: String(t.avatar || "").slice(0, 16),
      };
      if (document.body) build();
      else document.addEventListener("DOMContentLoaded", build);
    })
    .catch(function () {
      warn("this chat widget is turned off, or this website (" + pageOrigin + ") is not on its list of allowed websites.");
    });
})();
