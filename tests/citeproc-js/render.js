// Format CSL-JSON with citeproc-js, the reference CSL processor.
//
// Reads one JSON object on stdin: {"locales": DIR, "jobs": [{"style": XML,
// "lang": "en-US", "items": [CSL-JSON], "clusters": [[{"id", "locator",
// "label", "prefix", "suffix", "suppress-author", "author-only"}]], "notes": BOOL}]}
// ("notes": each cluster is the citation of its own footnote, numbered from 1)
// and writes {"results": [{"citations": [HTML], "bibliography": [{"id", "html"}]}]}.
"use strict";

const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

// citeproc-js finds a macro by walking the whole style each time the macro is
// called: in the large Chicago styles most of the time of a comparison.  The
// style's tree is complete before the engine builds its macros, so each tree's
// macros are found in one walk and kept by name; the nodes are the same.
const getNodesByName = CSL.XmlJSON.prototype.getNodesByName;
const macroIndexes = new WeakMap();
CSL.XmlJSON.prototype.getNodesByName = function (myjson, name, nameattrval, ret) {
  if (name !== "macro" || !nameattrval || ret || !myjson || myjson !== this.dataObj) {
    return getNodesByName.call(this, myjson, name, nameattrval, ret);
  }
  let index = macroIndexes.get(myjson);
  if (!index) {
    index = new Map();
    for (const node of getNodesByName.call(this, myjson, "macro")) {
      const key = node.attrs.name;
      index.set(key, [...(index.get(key) || []), node]);
    }
    macroIndexes.set(myjson, index);
  }
  return [...(index.get(nameattrval) || [])];
};

function readStdin() {
  return fs.readFileSync(0, "utf8");
}

function localeLoader(folder) {
  const dialects = JSON.parse(
    fs.readFileSync(path.join(folder, "locales.json"), "utf8"))["primary-dialects"];
  return (lang) => {
    let file = path.join(folder, `locales-${lang}.xml`);
    if (!fs.existsSync(file) && dialects[lang]) {
      file = path.join(folder, `locales-${dialects[lang]}.xml`);
    }
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
  };
}

function run(job, retrieveLocale) {
  const items = new Map(job.items.map((item) => [String(item.id), item]));
  const sys = {
    retrieveLocale,
    retrieveItem: (id) => items.get(String(id)),
  };
  const engine = new CSL.Engine(sys, job.style, job.lang || "en-US");
  const citations = job.clusters.map((cluster, i) => [{
    citationID: `c${i + 1}`,
    citationItems: cluster,
    properties: { noteIndex: job.notes ? i + 1 : 0 },
  }, [], []]);
  const formatted = new Map();
  for (const [citation] of citations) {
    // processCitationCluster returns every citation whose text changed.
    const pre = [...formatted.keys()].map((id, index) => [id, job.notes ? index + 1 : 0]);
    const [, changed] = engine.processCitationCluster(citation, pre, []);
    for (const [index, text, id] of changed) {
      formatted.set(id, text);
    }
  }
  const out = { citations: citations.map(([c]) => formatted.get(c.citationID)), bibliography: [] };
  if (engine.bibliography && engine.cslXml.getNodesByName(engine.cslXml.dataObj, "bibliography").length) {
    const [params, entries] = engine.makeBibliography();
    // An entry the style prints nothing for is left out of the entries, not of entry_ids.
    const empty = new Set((params.bibliography_errors || []).map((e) => String(e.itemID)));
    let ids = params.entry_ids.filter((ids) => !empty.has(String(ids[0])));
    if (ids.length !== entries.length) {
      // An entry whose output is purged to nothing is dropped without an error: found by
      // printing each entry alone.
      ids = ids.filter((ids) => engine.makeBibliography(
        { select: [{ field: "id", value: String(ids[0]) }] })[1].some((entry) => entry));
    }
    out.bibliography = ids.map((ids, i) => ({ id: String(ids[0]), html: entries[i] }));
  }
  return out;
}

function main() {
  const request = JSON.parse(readStdin());
  const retrieveLocale = localeLoader(request.locales);
  const results = request.jobs.map((job) => {
    try {
      return run(job, retrieveLocale);
    } catch (error) {
      return { error: String(error && error.stack || error) };
    }
  });
  process.stdout.write(JSON.stringify({ results }));
}

main();
