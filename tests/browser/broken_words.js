// The words on the page that the browser drew across two lines: a word split mid-word by
// `word-break`, `overflow-wrap: anywhere` or hyphenation, or squeezed into a column too narrow
// for it. A word is a run of letters and digits (an apostrophe inside it too: "CoP's"); a
// break at a hyphen or a slash is between two words. Returns "word (in <tag>)" strings.
() => {
  const found = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, noscript, template")) continue;
    if (!parent.getClientRects().length) continue;
    for (const match of node.data.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)) {
      if (match[0].length < 2) continue;
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = [];
      for (const rect of range.getClientRects()) {
        if (rect.width < 0.5 || rect.height < 0.5) continue;
        if (!lines.some((top) => Math.abs(top - rect.top) < rect.height / 2)) lines.push(rect.top);
      }
      if (lines.length > 1) found.push(`${match[0]} (in <${parent.tagName.toLowerCase()}>)`);
    }
  }
  return found;
}
