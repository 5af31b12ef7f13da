#!/usr/bin/env node
// Renders APL RenderDocument directives with Amazon's renderer (apl-viewhost-web, the bundle in
// --viewhost) in headless Chromium; writes one PNG per directive and report.json: the visible
// text, each text's font size and box (apl-page.html), the renderer's log, browser errors.
//
//   node apl-render.js --viewhost DIR --out DIR [--w 1280 --h 800 --dpi 160 --shape RECTANGLE|ROUND
//        --mode HUB --settle MS] DIRECTIVE.json ...
//
// Network: a static server on 127.0.0.1; font requests (Amazon Ember, not redistributable) are
// answered with Liberation Sans, which has Arial's metrics; anything else off-host is refused.
const http = require('http'), fs = require('fs'), path = require('path');
const puppeteer = require('puppeteer-core');

const opt = { out: null, viewhost: null, w: 1280, h: 800, dpi: 160, shape: 'RECTANGLE', mode: 'HUB', settle: 500 };
const files = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) opt[args[i].slice(2)] = args[++i]; else files.push(args[i]);
}
if (!opt.out || !opt.viewhost || !files.length) {
  console.error('usage: apl-render.js --viewhost DIR --out DIR [--w --h --dpi --shape --mode --settle] DIRECTIVE.json ...');
  process.exit(2);
}
fs.mkdirSync(opt.out, { recursive: true });
const FONTS = '/usr/share/fonts/truetype/liberation2';
const served = new Map(files.map((f, i) => [`/directive-${i}.json`, path.resolve(f)]));
const statics = { '/page.html': path.join(__dirname, 'apl-page.html'),
                  '/apl-viewhost-web.js': path.join(opt.viewhost, 'apl-viewhost-web.js') };

const server = http.createServer((req, res) => {
  const p = decodeURIComponent(req.url.split('?')[0]);
  const file = served.get(p) || statics[p];
  if (!file || !fs.existsSync(file)) { res.writeHead(404); return res.end(); }
  const type = file.endsWith('.js') ? 'application/javascript' : file.endsWith('.html') ? 'text/html' : 'application/json';
  res.writeHead(200, { 'Content-Type': type });
  fs.createReadStream(file).pipe(res);
});

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const conf = path.join(opt.out, 'fonts.conf');
  fs.writeFileSync(conf, `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<alias binding="strong"><family>sans-serif</family><prefer><family>Liberation Sans</family></prefer></alias>
<alias binding="strong"><family>amazon-ember-display</family><prefer><family>Liberation Sans</family></prefer></alias>
<alias binding="strong"><family>amazon-ember</family><prefer><family>Liberation Sans</family></prefer></alias>
</fontconfig>`);
  const report = {};
  let browser, failed = false;
  try {
    browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'], env: { ...process.env, FONTCONFIG_FILE: conf } });
    for (const [route, file] of served) {
      const page = await browser.newPage();
      const consoleLines = [];
      await page.setRequestInterception(true);
      page.on('request', req => {
        const u = req.url();
        if (u.startsWith(`http://127.0.0.1:${port}/`) || u.startsWith('data:')) return req.continue();
        const m = u.match(/\/([^/]+)\.ttf$/);
        if (m) {
          const bold = /(_Bd|Bold|_He|Heavy|SemiBold|_Md|Medium)/i.test(m[1]), italic = /(_It|Italic)/i.test(m[1]);
          const style = bold && italic ? 'BoldItalic' : bold ? 'Bold' : italic ? 'Italic' : 'Regular';
          return req.respond({ status: 200, contentType: 'font/ttf', headers: { 'Access-Control-Allow-Origin': '*' },
            body: fs.readFileSync(`${FONTS}/LiberationSans-${style}.ttf`) });
        }
        consoleLines.push('refused: ' + u.slice(0, 120));
        return req.abort();
      });
      page.on('pageerror', e => consoleLines.push('pageerror: ' + e.message));
      await page.setViewport({ width: +opt.w, height: +opt.h, deviceScaleFactor: 1 });
      const query = `directive=${route}&w=${opt.w}&h=${opt.h}&dpi=${opt.dpi}&shape=${opt.shape}&mode=${opt.mode}&settle=${opt.settle}`;
      await page.goto(`http://127.0.0.1:${port}/page.html?${query}`);
      await page.waitForFunction('window.__done === true', { timeout: 60000 + +opt.settle });
      const png = path.join(opt.out, path.basename(file).replace(/\.json$/, '') + '.png');
      await page.screenshot({ path: png });
      const [text, texts, log, biggestTextPx] = await page.evaluate(
        () => [window.__text, window.__texts, window.__log, window.__biggestText]);
      report[path.basename(file)] = { png, text, texts, biggestTextPx, log, console: consoleLines };
      await page.close();
    }
  } catch (e) {
    console.error(String(e && e.stack || e)); failed = true;
  } finally {
    if (browser) await browser.close();
    server.close();
  }
  fs.writeFileSync(path.join(opt.out, 'report.json'), JSON.stringify(report, null, 2));
  process.exit(failed ? 1 : 0);
});
