"""Render valueaudit's Markdown report in a real browser and check every diagram.

    python tests/e2e/render_report.py [--out DIR]

Writes the report for ``processes/`` plus a file of hostile names and two of the
diagrams' edge cases (a process id that is a Mermaid keyword, a point at exactly
(1, 1), a pie of millions; simulating, so the
"what to measure first" charts are in it), turns the Markdown
into HTML with ``marked`` (raw HTML passes through, as on a careless renderer, so an
escaping bug shows up as a live element), runs every Mermaid block through
``mermaid.parse`` and ``mermaid.render`` in headless Chromium, and takes a screenshot.
Exits 1 on any diagram error or injected element, 2 when Chromium or npm is missing.

Needs Debian's ``chromium`` and ``npm`` (it installs ``mermaid`` and ``marked`` from
the npm registry into ``tests/e2e/node_modules`` on first use).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--allow-file-access-from-files",
    "--virtual-time-budget=30000",
]

PAGE = r"""<!doctype html>
<html><head><meta charset="utf-8"><title>valueaudit report</title>
<style>body{{font-family:sans-serif;margin:2em auto;width:948px}}
table{{border-collapse:collapse;display:block;width:max-content;max-width:100%;overflow:auto}}
td,th{{border:1px solid #ccc;padding:6px 13px}}</style>
<script src="{marked}"></script>
<script src="{mermaid}"></script>
</head><body>
<main id="report"></main>
<pre id="results">pending</pre>
<script type="application/json" id="source">{source}</script>
<script>
(async () => {{
  const results = {{diagrams: 0, rendered: 0, errors: [], injected: [], wide: [], wrapped: []}};
  try {{
    const source = JSON.parse(document.getElementById("source").textContent);
    const report = document.getElementById("report");
    report.innerHTML = marked.parse(source);
    // the report writes no link of its own: any link is user text that got through (a
    // markdown link, or a bare URL, www. name or e-mail turned into one by autolinking)
    results.injected = [...report.querySelectorAll("script, img, iframe, b, a")]
      .map((e) => e.outerHTML);
    mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
    const blocks = [...report.querySelectorAll("code.language-mermaid")];
    results.diagrams = blocks.length;
    let index = 0;
    for (const code of blocks) {{
      const text = code.textContent;
      index += 1;
      try {{
        await mermaid.parse(text);
        const {{svg}} = await mermaid.render("diagram" + index, text);
        const figure = document.createElement("div");
        figure.innerHTML = svg;
        code.parentElement.replaceWith(figure);
        results.rendered += 1;
      }} catch (error) {{
        results.errors.push({{index, message: String(error && error.message || error), text}});
      }}
    }}
    // GitHub shows a report in a column 948 px wide: a table must fit it
    results.wide = [...report.querySelectorAll("table")]
      .filter((table) => table.scrollWidth > table.clientWidth)
      .map((table) => table.scrollWidth + " px: " + table.rows[0].textContent.trim().slice(0, 80));
    // a value (a range, an id, a severity) must not break over two lines in its cell
    const oneValue = /^(\S+|\S+ (error|warning|info))$/u;
    for (const cell of report.querySelectorAll("td")) {{
      const text = cell.textContent.trim();
      if (!oneValue.test(text)) continue;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) results.wrapped.push(text);
    }}
  }} catch (error) {{
    results.errors.push({{index: 0, message: "page: " + error}});
  }}
  document.getElementById("results").textContent = JSON.stringify(results);
}})();
</script></body></html>
"""


def node_modules() -> Path:
    modules = HERE / "node_modules"
    if not (modules / "mermaid").is_dir() or not (modules / "marked").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("render_report: npm is needed to install mermaid and marked")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True
        )
    return modules


def build_report(out: Path) -> Path:
    report = out / "report.md"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "valueaudit",
            "report",
            "processes/",
            str(HERE / "hostile.yaml"),
            str(HERE / "x-axis.yaml"),  # the diagrams' edge cases
            str(HERE / "quadrant-1.yaml"),
            "-o",
            str(report),
            "--fail-on",
            "never",
            "--simulate",  # the "what to measure first" bar charts (xychart-beta) too
            "2000",
        ],
        cwd=ROOT,
        check=True,
    )
    return report


def run_page(chromium: str, page: Path, out: Path) -> dict[str, object]:
    profile = tempfile.mkdtemp(prefix="valueaudit-chromium-")
    try:
        dom = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        ).stdout
        subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--window-size=1280,6000",
                f"--screenshot={out / 'report.png'}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    match = re.search(r'<pre id="results">(.*?)</pre>', dom, re.DOTALL)
    if match is None or match.group(1) == "pending":
        return {"diagrams": 0, "rendered": 0, "errors": [{"message": "the page did not finish"}]}
    loaded: dict[str, object] = json.loads(html.unescape(match.group(1)))
    return loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "e2e")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("render_report: Debian's chromium is needed (apt-get install chromium)")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    modules = node_modules()
    report = build_report(args.out)
    source = json.dumps(report.read_text(encoding="utf-8")).replace("</", "<\\/")
    page = args.out / "report.html"
    page.write_text(
        PAGE.format(
            marked=(modules / "marked/lib/marked.umd.js").as_uri(),
            mermaid=(modules / "mermaid/dist/mermaid.min.js").as_uri(),
            source=source,
        ),
        encoding="utf-8",
    )
    results = run_page(chromium, page, args.out)
    diagrams, rendered = results["diagrams"], results["rendered"]
    errors = results.get("errors") or []
    injected = results.get("injected") or []
    print(
        f"render_report: {rendered} of {diagrams} diagrams rendered; screenshot "
        f"{args.out / 'report.png'}"
    )
    for error in errors:  # type: ignore[attr-defined]
        print(f"  diagram error: {error}")
    for element in injected:  # type: ignore[attr-defined]
        print(f"  injected HTML: {element}")
    wrapped = results.get("wrapped") or []
    for value in wrapped:  # type: ignore[attr-defined]
        print(f"  value broken over two lines in a table: {value}")
    wide = results.get("wide") or []
    for table in wide:  # type: ignore[attr-defined]
        print(f"  table wider than GitHub's 948 px column: {table}")
    ok = not (errors or injected or wide or wrapped) and diagrams and diagrams == rendered
    print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
