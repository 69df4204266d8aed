/*
 * Palīgs web chat widget.
 *
 * Plain ES2017, no framework, no build step. Talks to Rasa's socket.io
 * channel (see README.md for the protocol). Safety rules kept here:
 *   - nothing is written to localStorage, sessionStorage, IndexedDB or
 *     cookies: the session id lives only in a variable of this script;
 *   - server text is always rendered as text (textContent / text nodes),
 *     never parsed as HTML;
 *   - message contents are never logged;
 *   - the quick exit (button or Esc) works whatever the connection state.
 */
(function () {
  "use strict";

  const GREETING = "/greet";
  const TYPING_TIMEOUT_MS = 15000;
  const MAX_MESSAGE_LENGTH = 1000;
  const LANG_RE = /^[a-z]{2}$/;
  const SRC_RE = /^[A-Za-z0-9_-]{1,40}$/;
  const DIR_RE = /^(ltr|rtl)$/;

  // Phone numbers to turn into tap-to-call links:
  //  - Latvian numbers: +371 and exactly eight digits (spaces or hyphens allowed);
  //  - other international numbers: + country code and 7 to 14 more digits;
  //  - the short emergency and helpline numbers used in the content.
  const PHONE_RE = new RegExp(
    "\\+371(?:[ \\u00a0-]?\\d){8}(?!\\d)" +
      "|\\+[1-9](?:[ \\u00a0-]?\\d){7,14}(?!\\d)" +
      "|\\b(?:112|110|113|116[ \\u00a0]?111|116[ \\u00a0]?006|116[ \\u00a0]?123)\\b",
    "g"
  );
  // Runs that must read left to right inside right-to-left text (Urdu): web and
  // e-mail addresses, reference codes ("K7M2 9QX4") and times ("10:00–18:00").
  const LTR_RE = new RegExp(
    "(?:https?://|www\\.)[^\\s]*[^\\s.,;:!?)]" +
      "|[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+" +
      "|\\b[0-9A-Z]{4} [0-9A-Z]{4}\\b" +
      "|\\b\\d{1,2}:\\d{2}(?:[\\u2013-]\\d{1,2}:\\d{2})?",
    "g"
  );
  const SPECIAL_RE = new RegExp("(" + PHONE_RE.source + ")|" + LTR_RE.source, "g");
  const LANGUAGE_PAYLOAD_RE = /^\/change_language\{"language":"([a-z]{2})"\}$/;

  const body = document.body;
  const html = document.documentElement;
  const messages = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("input");
  const sendButton = document.getElementById("send");
  const quickExitButton = document.getElementById("quick-exit");
  const quickExitHint = document.getElementById("quick-exit-hint");
  const typing = document.getElementById("typing");
  const typingText = typing.querySelector(".typing-text");
  const connection = document.getElementById("connection");
  const inputLabel = document.getElementById("input-label");
  const pageTitle = document.getElementById("page-title");

  const config = body.dataset;
  const quickExitUrl = safeExitUrl(config.quickExitUrl);
  const staticPrefix = config.static || "chat/static";

  const strings = {
    typing: config.typing || "",
    disconnected: config.disconnected || "",
    you_said: config.youSaid || "",
    bot_said: config.botSaid || "",
  };

  const query = readQuery();
  let lang = query.lang;
  const src = query.src;

  let socket = null;
  let sessionId = null; // issued by the server; only ever kept in this variable
  let sessionReady = false; // connected and session confirmed
  let greeted = false;
  let pending = []; // messages typed while offline, sent once the session is back
  let typingTimer = null;
  let stringsRequest = 0;
  let exiting = false;
  let lastPointerType = "";

  // ---------------------------------------------------------------- helpers

  function readQuery() {
    const params = new URLSearchParams(window.location.search);
    const rawLang = params.get("lang") || "";
    const rawSrc = params.get("src") || "";
    return {
      lang: LANG_RE.test(rawLang) ? rawLang : "",
      src: SRC_RE.test(rawSrc) ? rawSrc : "",
    };
  }

  function safeExitUrl(value) {
    const fallback = "https://www.google.com/";
    if (!value) {
      return fallback;
    }
    try {
      const url = new URL(value, window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : fallback;
    } catch (err) {
      return fallback;
    }
  }

  function metadata() {
    const meta = {};
    if (lang) {
      meta.lang = lang;
    }
    if (src) {
      meta.src = src;
    }
    return meta;
  }

  function withSpace(label) {
    return label && !/\s$/.test(label) ? label + " " : label;
  }

  /** Appends `text` to `parent` as text nodes, with phone numbers as tel: links
   *  and addresses, codes and times isolated left to right. An element with `dir`
   *  is a bidi isolate, so "+371 ..." keeps its order inside right-to-left text. */
  function appendLinkified(parent, text) {
    SPECIAL_RE.lastIndex = 0;
    let last = 0;
    let match;
    while ((match = SPECIAL_RE.exec(text)) !== null) {
      if (match.index > last) {
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      }
      let run;
      if (match[1]) {
        run = document.createElement("a");
        run.href = "tel:" + match[0].replace(/[^\d+]/g, "");
      } else {
        run = document.createElement("span");
        run.className = "ltr";
      }
      run.dir = "ltr";
      run.textContent = match[0];
      parent.appendChild(run);
      last = match.index + match[0].length;
    }
    if (last < text.length) {
      parent.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  function scrollToEnd() {
    messages.scrollTop = messages.scrollHeight;
  }

  function focusInput() {
    if (!exiting && !input.disabled) {
      try {
        input.focus({ preventScroll: true });
      } catch (err) {
        input.focus();
      }
    }
  }

  // ---------------------------------------------------------------- rendering

  function addBubble(who, text, buttons) {
    const bubble = document.createElement("div");
    bubble.className = "msg " + who;
    if (who === "bot" && lang) {
      bubble.lang = lang;
    }

    const speaker = document.createElement("span");
    speaker.className = "visually-hidden who";
    speaker.textContent = withSpace(who === "bot" ? strings.bot_said : strings.you_said);
    bubble.appendChild(speaker);

    if (text) {
      const paragraph = document.createElement("p");
      paragraph.className = "text";
      paragraph.dir = "auto";
      if (who === "bot") {
        appendLinkified(paragraph, text);
      } else {
        paragraph.textContent = text;
      }
      bubble.appendChild(paragraph);
    }

    if (buttons && buttons.length) {
      bubble.appendChild(renderButtons(buttons));
    }

    messages.appendChild(bubble);
    scrollToEnd();
    return bubble;
  }

  /** The language code a button switches to, or "". */
  function languageOf(item) {
    const found = item && typeof item.payload === "string" ? LANGUAGE_PAYLOAD_RE.exec(item.payload) : null;
    return found ? found[1] : "";
  }

  function renderButtons(buttons) {
    const group = document.createElement("div");
    group.className = "buttons";
    group.setAttribute("role", "group");
    // The language menu: every name in its own language and script, in a grid.
    if (buttons.length > 3 && buttons.every(languageOf)) {
      group.classList.add("languages");
    }

    buttons.forEach(function (item) {
      if (!item || typeof item !== "object") {
        return;
      }
      const title = typeof item.title === "string" ? item.title : "";
      const payload = typeof item.payload === "string" && item.payload ? item.payload : title;
      if (!title || !payload) {
        return;
      }
      const button = document.createElement("button");
      button.type = "button";
      button.dir = "auto";
      if (languageOf(item)) {
        button.lang = languageOf(item);
      }
      button.textContent = title;
      button.addEventListener("click", function () {
        if (button.disabled) {
          return;
        }
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
          b.disabled = true;
        });
        button.classList.add("chosen");
        sendMessage(payload, title);
        // On touch screens, do not pop the keyboard up over the answer.
        if (lastPointerType !== "touch") {
          focusInput();
        }
      });
      group.appendChild(button);
    });
    return group;
  }

  function showTyping() {
    typingText.textContent = strings.typing;
    typing.hidden = false;
    scrollToEnd();
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_TIMEOUT_MS);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    typingTimer = null;
    typing.hidden = true;
  }

  function showDisconnected() {
    if (exiting || !connection.hidden) {
      return; // shown once, not once per reconnection attempt
    }
    hideTyping();
    connection.textContent = "";
    appendLinkified(connection, strings.disconnected);
    connection.hidden = false;
    scrollToEnd(); // the log just got shorter: keep the last message in view
  }

  function hideDisconnected() {
    connection.hidden = true;
    connection.textContent = "";
  }

  // ---------------------------------------------------------------- socket

  function connect() {
    if (typeof window.io !== "function") {
      showDisconnected(); // the socket.io script did not load (bad connection)
      return;
    }
    socket = window.io(config.socketUrl || undefined, {
      path: "/socket.io",
      transports: ["websocket", "polling"],
    });

    socket.on("connect", function () {
      sessionReady = false;
      socket.emit("session_request", { session_id: sessionId });
    });

    socket.on("session_confirm", function (data) {
      const id = typeof data === "string" ? data : data && data.session_id;
      if (typeof id !== "string" || !id) {
        return;
      }
      // The server issues the id; it answers an id it cannot vouch for with a
      // fresh one: a new conversation, which gets its own greeting.
      if (sessionId && id !== sessionId) {
        greeted = false;
      }
      sessionId = id;
      sessionReady = true;
      hideDisconnected();
      if (!greeted) {
        greeted = true;
        showTyping();
        emitUserMessage(GREETING);
      }
      flushPending();
    });

    socket.on("bot_uttered", onBotUttered);
    socket.on("disconnect", function () {
      sessionReady = false;
      showDisconnected();
    });
    socket.on("connect_error", function () {
      sessionReady = false;
      showDisconnected();
    });
  }

  function emitUserMessage(text) {
    socket.emit("user_uttered", {
      message: text,
      session_id: sessionId,
      metadata: metadata(),
    });
  }

  function flushPending() {
    const queue = pending;
    pending = [];
    queue.forEach(emitUserMessage);
  }

  /** Shows `display` as the person's bubble and sends `text` to the bot. */
  function sendMessage(text, display) {
    addBubble("user", display);
    if (socket && sessionReady && socket.connected) {
      showTyping();
      emitUserMessage(text);
      return;
    }
    // Not connected yet, or the connection dropped: keep the message in
    // memory and send it as soon as the session is confirmed again.
    pending.push(text);
    if (connection.hidden) {
      showTyping();
    }
  }

  function uiLanguageOf(data) {
    const candidates = [data, data.custom, data.data];
    for (let i = 0; i < candidates.length; i += 1) {
      const candidate = candidates[i];
      if (candidate && typeof candidate === "object" && typeof candidate.ui_language === "string") {
        return candidate.ui_language;
      }
    }
    return "";
  }

  function buttonsOf(data) {
    if (Array.isArray(data.quick_replies)) {
      return data.quick_replies;
    }
    if (Array.isArray(data.buttons)) {
      return data.buttons;
    }
    return [];
  }

  function onBotUttered(data) {
    if (exiting || !data || typeof data !== "object") {
      return;
    }
    hideTyping();

    const uiLanguage = uiLanguageOf(data);
    if (LANG_RE.test(uiLanguage)) {
      changeLanguage(uiLanguage);
    }

    const text = typeof data.text === "string" ? data.text : "";
    const buttons = buttonsOf(data);
    if (text || buttons.length) {
      addBubble("bot", text, buttons);
    }
  }

  // ---------------------------------------------------------------- language

  function stringsUrl(code) {
    const url = new URL("../strings.json", new URL(staticPrefix + "/", window.location.href));
    url.searchParams.set("lang", code);
    return url.href;
  }

  function changeLanguage(code) {
    lang = code;
    const request = ++stringsRequest;
    if (typeof window.fetch !== "function") {
      html.lang = code;
      return;
    }
    window
      .fetch(stringsUrl(code), { credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("strings " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (request === stringsRequest && !exiting && data && typeof data === "object") {
          applyStrings(code, data);
        }
      })
      .catch(function () {
        // Keep the current labels; the conversation itself still works.
        if (request === stringsRequest && !exiting) {
          html.lang = code;
        }
      });
  }

  function applyStrings(code, data) {
    const text = function (key) {
      return typeof data[key] === "string" ? data[key] : null;
    };

    html.lang = code;
    if (DIR_RE.test(text("dir") || "")) {
      html.dir = data.dir;
    }
    if (text("page_title") !== null) {
      document.title = data.page_title;
      pageTitle.textContent = data.page_title;
    }
    if (text("log_label") !== null) {
      messages.setAttribute("aria-label", data.log_label);
    }
    if (text("input_label") !== null) {
      inputLabel.textContent = data.input_label;
    }
    if (text("input_placeholder") !== null) {
      input.placeholder = data.input_placeholder;
    }
    if (text("send") !== null) {
      sendButton.textContent = data.send;
    }
    if (text("quick_exit") !== null) {
      quickExitButton.textContent = data.quick_exit;
    }
    if (text("quick_exit_hint") !== null) {
      quickExitButton.title = data.quick_exit_hint;
      quickExitHint.textContent = data.quick_exit_hint;
    }
    if (text("typing") !== null) {
      strings.typing = data.typing;
      typingText.textContent = data.typing;
    }
    if (text("disconnected") !== null) {
      strings.disconnected = data.disconnected;
      if (!connection.hidden) {
        connection.textContent = "";
        appendLinkified(connection, strings.disconnected);
      }
    }
    if (text("you_said") !== null) {
      strings.you_said = data.you_said;
      relabel(".msg.user > .who", strings.you_said);
    }
    if (text("bot_said") !== null) {
      strings.bot_said = data.bot_said;
      relabel(".msg.bot > .who", strings.bot_said);
    }
  }

  function relabel(selector, label) {
    Array.prototype.forEach.call(messages.querySelectorAll(selector), function (node) {
      node.textContent = withSpace(label);
    });
  }

  // ---------------------------------------------------------------- quick exit

  function quickExit() {
    if (exiting) {
      return;
    }
    exiting = true;
    try {
      pending = [];
      sessionId = null;
      clearTimeout(typingTimer);
      if (socket) {
        socket.off();
        socket.disconnect();
      }
    } catch (err) {
      // leave anyway
    }
    try {
      input.value = "";
      while (body.firstChild) {
        body.removeChild(body.firstChild);
      }
      document.title = "";
    } catch (err) {
      // leave anyway
    }
    leave();
  }

  function leave() {
    // Embedded in an iframe: take the whole tab away from the host page too.
    if (window.top !== window.self) {
      try {
        window.top.location.replace(quickExitUrl);
      } catch (err) {
        // not allowed by the host page: at least leave the frame
      }
    }
    window.location.replace(quickExitUrl);
  }

  // ---------------------------------------------------------------- events

  quickExitButton.addEventListener("click", quickExit);

  document.addEventListener(
    "keydown",
    function (event) {
      if ((event.key === "Escape" || event.key === "Esc") && !event.isComposing) {
        event.preventDefault();
        quickExit();
      }
    },
    true
  );

  document.addEventListener(
    "pointerdown",
    function (event) {
      lastPointerType = event.pointerType || "";
    },
    true
  );

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim().slice(0, MAX_MESSAGE_LENGTH);
    if (!text) {
      focusInput();
      return;
    }
    input.value = "";
    sendMessage(text, text);
    focusInput();
  });

  // Do not leave the conversation in the back/forward cache.
  window.addEventListener("pagehide", function (event) {
    if (event.persisted) {
      messages.textContent = "";
    }
  });

  input.disabled = false;
  sendButton.disabled = false;
  connect();
})();
