// Typeset the formulas that pymdownx.arithmatex (generic mode) wrapped in
// <span class="arithmatex">\(...\)</span> and <div class="arithmatex">\[...\]</div>,
// with the KaTeX bundled in docs/assets/katex/: nothing is fetched when a page is viewed.
// Material's instant navigation swaps pages without reloading: document$ fires each time.
function kzTypeset() {
  for (const el of document.querySelectorAll(".arithmatex")) {
    renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
}
if (typeof document$ !== "undefined") {
  document$.subscribe(kzTypeset);
} else {
  document.addEventListener("DOMContentLoaded", kzTypeset);
}
