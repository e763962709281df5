"""Render generated index pages as GitHub shows them, for looking at: Markdown to HTML with tables,
github-markdown-css, and Mermaid 11 drawing the diagrams, then a full-page PNG per page from
headless Chromium.

    python scripts/render_pages.py INDEX_DIR OUT_DIR PAGE... [--assets DIR] [--height PX] [--diagram]

--assets is a folder where `npm install mermaid@11 github-markdown-css playwright-core` was run
(nothing is downloaded here). Chromium is /usr/bin/chromium. Prints, per page, the PNG written and
how many diagrams Mermaid drew and how many it refused.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
from pathlib import Path

from markdown_it import MarkdownIt

SHOT = r"""
const { chromium } = require(process.argv[2] + '/node_modules/playwright-core');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox',
    '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const results = [];
  for (const [source, target] of JSON.parse(process.argv[3])) {
    await page.goto('file://' + source);
    await page.waitForFunction(() => window.mermaidDone === true, null, { timeout: 60000 });
    const drawn = await page.$$eval('pre.mermaid svg', nodes => nodes.length);
    const failed = await page.$$eval('pre.mermaid', nodes =>
      nodes.filter(n => !n.querySelector('svg') || /Syntax error|Maximum/i.test(n.textContent)).length);
    const height = await page.evaluate(() => document.body.scrollHeight);
    const clip = { x: 0, y: 0, width: 1100, height: Math.min(height, Number(process.argv[4])) };
    if (process.argv[5] === 'diagram' && drawn) {
      await page.locator('pre.mermaid').first().screenshot({ path: target });
    } else {
      await page.screenshot({ path: target, fullPage: true, clip });
    }
    results.push({ target, drawn, failed });
  }
  console.log(JSON.stringify(results));
  await browser.close();
})();
"""


def page_html(markdown_text: str, assets: Path) -> str:
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    default_fence = renderer.renderer.rules.get("fence")

    def fence(self, tokens, index, options, env):
        token = tokens[index]
        if token.info.strip() == "mermaid":
            return f'<pre class="mermaid">{html.escape(token.content)}</pre>\n'
        return default_fence(tokens, index, options, env)

    renderer.add_render_rule("fence", fence)
    body = renderer.render(markdown_text)
    css = assets / "node_modules" / "github-markdown-css" / "github-markdown-light.css"
    script = assets / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    return f"""<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="file://{css}">
<style>.markdown-body {{ box-sizing: border-box; max-width: 1012px; margin: 0 auto; padding: 32px; }}</style>
<script src="file://{script}"></script></head><body><article class="markdown-body">{body}</article>
<script>mermaid.initialize({{ startOnLoad: false, securityLevel: 'strict' }});
mermaid.run({{ querySelector: 'pre.mermaid', suppressErrors: true }}).finally(() => {{ window.mermaidDone = true; }});
</script></body></html>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--assets", type=Path, default=Path("/tmp/render"))
    parser.add_argument("--height", type=int, default=2000, help="pixels of each page to keep, from the top")
    parser.add_argument("--diagram", action="store_true", help="shoot each page's first diagram, not the page")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for page in args.pages:
        source = args.index_dir / page
        name = re.sub(r"[^\w.-]+", "_", page.removesuffix(".md"))
        html_path = (args.out_dir / f"{name}.html").resolve()
        html_path.write_text(page_html(source.read_text(encoding="utf-8"), args.assets.resolve()), encoding="utf-8")
        jobs.append((str(html_path), str((args.out_dir / f"{name}.png").resolve())))
    script = args.out_dir / "shot.js"
    script.write_text(SHOT, encoding="utf-8")
    done = subprocess.run(
        [
            "node",
            str(script),
            str(args.assets.resolve()),
            json.dumps(jobs),
            str(args.height),
            "diagram" if args.diagram else "page",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    for result in json.loads(done.stdout):
        print(f"{result['target']}: {result['drawn']} diagrams drawn, {result['failed']} refused")


if __name__ == "__main__":
    main()
