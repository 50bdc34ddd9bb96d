// dragoman serve's page: plain JavaScript, no framework, no build step, nothing loaded from elsewhere.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let languages = [];
  let rtl = new Set();
  let documentFile = null; // an uploaded DOCX, ODT, subtitle, XLIFF or JSON-lines file: translated as a file
  const TEXT_FILE = /\.(txt|text|md|markdown|html?)$/i;

  async function getJSON(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  function option(value, label) {
    const element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function fillTargets() {
    const source = $("source").value;
    const previous = $("target").value;
    const targets = new Set();
    for (const language of languages) {
      if (source === "auto" || language.code === source) language.targets.forEach((t) => targets.add(t));
    }
    const names = Object.fromEntries(languages.map((l) => [l.code, l.name]));
    $("target").replaceChildren(...[...targets].sort().map((code) => option(code, names[code] || code)));
    if (targets.has(previous)) $("target").value = previous;
  }

  function fillGlossaries(names, defaults) {
    const box = $("glossaries");
    $("no-glossaries").hidden = names.length > 0;
    for (const name of names) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.name = "glossary";
      input.value = name;
      input.checked = defaults.includes(name);
      label.append(input, " " + name);
      box.append(label);
    }
  }

  async function init() {
    const [langs, settings] = await Promise.all([getJSON("/languages"), getJSON("/frontend/settings")]);
    languages = langs;
    rtl = new Set(settings.rtlLanguages || []);
    for (const language of languages) {
      if (language.targets.length) $("source").append(option(language.code, language.name));
    }
    $("source").value = languages.some((l) => l.code === "en" && l.targets.length) ? "en" : "auto";
    fillTargets();
    fillGlossaries(settings.glossaries || [], settings.defaultGlossaries || []);
    $("key-label").hidden = !settings.apiKeys;
    if (settings.supportedFilesFormat) $("file").accept = settings.supportedFilesFormat.join(",");
    document.body.dataset.ready = "1";
  }

  function entryTitle(entry, occurrence) {
    if (!entry) return occurrence.entry_id;
    const lines = [entry.id + (entry.type ? ` (${entry.type})` : "")];
    for (const [lang, side] of Object.entries(entry.terms || {})) {
      if (typeof side === "string") {
        lines.push(`${lang}: ${side}`);
        continue;
      }
      let line = `${lang}: ${side.term || ""}`;
      if (side.variants) line += `; variants: ${side.variants.join(", ")}`;
      if (side.forbidden) line += `; forbidden: ${side.forbidden.join(", ")}`;
      lines.push(line);
    }
    if (entry.dnt) lines.push("do not translate");
    if (entry.note) lines.push(entry.note);
    lines.push(`status here: ${occurrence.status}` + (occurrence.note ? ` (${occurrence.note})` : ""));
    return lines.join("\n");
  }

  // Text with the given [start, end) ranges wrapped in highlighted spans (built as DOM nodes: never as HTML).
  function highlighted(text, ranges) {
    const nodes = [];
    let position = 0;
    for (const range of ranges.sort((a, b) => a.start - b.start)) {
      if (range.start < position) continue; // overlapping: the first one wins
      nodes.push(document.createTextNode(text.slice(position, range.start)));
      const span = document.createElement("span");
      span.className = `term status-${range.occurrence.status}`;
      span.dataset.entry = range.occurrence.entry_id;
      span.title = entryTitle(range.entry, range.occurrence);
      span.textContent = text.slice(range.start, range.end);
      nodes.push(span);
      position = range.end;
    }
    nodes.push(document.createTextNode(text.slice(position)));
    return nodes;
  }

  // Where each rendering is in the translation: searched in order, as the report gives offsets per segment.
  function targetRanges(text, occurrences, entries) {
    const ranges = [];
    let cursor = 0;
    for (const occurrence of occurrences) {
      const needle = occurrence.target_text;
      if (!needle) continue;
      let start = text.indexOf(needle, cursor);
      if (start < 0) start = text.indexOf(needle);
      if (start < 0) continue;
      ranges.push({ start, end: start + needle.length, occurrence, entry: entries[occurrence.entry_id] });
      cursor = start + needle.length;
    }
    return ranges;
  }

  function sourceRanges(occurrences, entries) {
    return occurrences
      .filter((o) => o.source_start !== null && o.source_start !== undefined && o.source_end !== null)
      .map((o) => ({ start: o.source_start, end: o.source_end, occurrence: o, entry: entries[o.entry_id] }));
  }

  function finding(occurrence) {
    const id = `[${occurrence.entry_id}]`;
    const note = occurrence.note ? ` — ${occurrence.note}` : "";
    const line = occurrence.line ? `line ${occurrence.line}: ` : "";
    switch (occurrence.status) {
      case "violated":
        return `violated: ${line}'${occurrence.source_text}' should be '${occurrence.required}' ${id}${note}`;
      case "variant":
        return `variant: ${line}'${occurrence.source_text}' came out as '${occurrence.target_text}', preferred '${occurrence.required}' ${id}`;
      case "forbidden-found": {
        const cause = occurrence.source_text ? `for '${occurrence.source_text}'` : "in the sentence";
        return `forbidden: ${line}'${occurrence.target_text}' ${cause}, use '${occurrence.required}' ${id}${note}`;
      }
      default:
        return null;
    }
  }

  function showReport(glossary) {
    $("report").hidden = !glossary;
    $("findings").replaceChildren();
    if (!glossary) return;
    const s = glossary.summary;
    $("summary").textContent =
      `${glossary.names.join(" + ")}: ${s.terms_found} terms, ${s.applied} applied, ${s.variants} variants, ` +
      `${s.violations} violations, ${s.forbidden_found} forbidden found`;
    const items = [];
    for (const occurrence of glossary.occurrences || []) {
      const text = finding(occurrence);
      if (text) items.push([text, occurrence.status]);
    }
    for (const term of (glossary.consistency || {}).terms || []) {
      items.push([`inconsistent [${term.entry_id}]: ${Object.keys(term.renderings).join(", ")}`, "variant"]);
    }
    for (const name of (glossary.consistency || {}).names || []) items.push([`suggestion: ${name.suggestion}`, "variant"]);
    for (const warning of glossary.warnings || []) items.push([`warning: ${warning}`, "violated"]);
    for (const [text, status] of items) {
      const li = document.createElement("li");
      li.textContent = text;
      li.className = `finding status-${status}`;
      $("findings").append(li);
    }
    // Integrity findings (numbers, length, repetition, markup…): what the checks flagged or repaired in the output.
    for (const item of glossary.integrity || []) {
      const li = document.createElement("li");
      const where = item.line ? `line ${item.line}${item.column ? ":" + item.column : ""}: ` : "";
      li.textContent = `integrity ${item.action}: ${where}${item.check} — ${item.detail}`;
      li.className = `finding integrity-${item.action}`;
      $("findings").append(li);
    }
  }

  function render(result, sourceText, target) {
    const text = result.translatedText;
    const glossary = result.glossary || null;
    const occurrences = glossary ? glossary.occurrences || [] : [];
    const entries = glossary ? glossary.entries || {} : {};
    const output = $("output");
    output.dir = rtl.has(target.split("-")[0]) ? "rtl" : "ltr";
    output.lang = target;
    output.replaceChildren(...highlighted(text, targetRanges(text, occurrences, entries)));
    const view = $("source-view");
    view.hidden = !occurrences.length;
    view.replaceChildren(...highlighted(sourceText, sourceRanges(occurrences, entries)));
    const detected = result.detectedLanguage;
    $("detected").textContent = detected ? `(from ${detected.language}, ${Math.round(detected.confidence)} %)` : "";
    showReport(glossary);
  }

  // A document file goes to /translate_file (the same pipeline, its format kept): a download link and the report.
  async function translateFile(target, chosen) {
    const form = new FormData();
    form.append("file", documentFile);
    form.append("source", $("source").value);
    form.append("target", target);
    form.append("glossary", chosen.length ? chosen.join(",") : "none");
    if (/\.(jsonl|ndjson)$/i.test(documentFile.name)) form.append("fields", $("fields").value);
    if ($("api-key").value) form.append("api_key", $("api-key").value);
    const response = await fetch("/translate_file", { method: "POST", body: form });
    const result = await response.json();
    if (!response.ok) throw new Error(result.error || `HTTP ${response.status}`);
    $("download").href = result.translatedFileUrl;
    $("download").textContent = `Download ${decodeURIComponent(result.translatedFileUrl.split("/").pop().replace(/^[0-9a-f]+\./, ""))}`;
    $("download-line").hidden = false;
    const output = $("output");
    output.dir = rtl.has(target.split("-")[0]) ? "rtl" : "ltr";
    output.lang = target;
    output.replaceChildren();
    $("source-view").hidden = true;
    $("detected").textContent = "";
    showReport(result.glossary || null);
  }

  async function translate(event) {
    event.preventDefault();
    const text = $("text").value;
    const target = $("target").value;
    const chosen = [...document.querySelectorAll("input[name=glossary]:checked")].map((i) => i.value);
    $("download-line").hidden = true;
    if (documentFile) {
      $("error").hidden = true;
      $("translate").disabled = true;
      try {
        await translateFile(target, chosen);
      } catch (err) {
        $("error").textContent = err.message;
        $("error").hidden = false;
      } finally {
        $("translate").disabled = false;
      }
      return;
    }
    const body = { q: text, source: $("source").value, target, format: $("format").value, glossary: chosen.length ? chosen : "none" };
    if ($("api-key").value) body.api_key = $("api-key").value;
    $("error").hidden = true;
    $("translate").disabled = true;
    try {
      const response = await fetch("/translate", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const result = await response.json();
      if (!response.ok) throw new Error(result.error || `HTTP ${response.status}`);
      render(result, text, target);
    } catch (err) {
      $("error").textContent = err.message;
      $("error").hidden = false;
    } finally {
      $("translate").disabled = false;
    }
  }

  function setDocumentFile(file) {
    documentFile = file;
    $("file-note").hidden = !file;
    $("file-note").textContent = file ? `${file.name} is translated as a file: its format is kept.` : "";
    $("fields-label").hidden = !(file && /\.(jsonl|ndjson)$/i.test(file.name));
    $("text").disabled = Boolean(file);
  }

  function upload() {
    const file = $("file").files[0];
    if (!file) {
      setDocumentFile(null);
      return;
    }
    if (!TEXT_FILE.test(file.name)) {
      setDocumentFile(file);
      return;
    }
    setDocumentFile(null);
    $("format").value = /\.html?$/i.test(file.name) ? "html" : "text";
    const reader = new FileReader();
    reader.onload = () => { $("text").value = reader.result; };
    reader.readAsText(file);
  }

  $("source").addEventListener("change", fillTargets);
  $("form").addEventListener("submit", translate);
  $("file").addEventListener("change", upload);
  init().catch((err) => {
    $("error").textContent = `cannot load the languages: ${err.message}`;
    $("error").hidden = false;
  });
})();
