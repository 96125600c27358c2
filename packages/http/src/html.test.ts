import { describe, expect, it } from 'vitest';
import { Html, html, page, statusRegion } from './html';

describe('server-rendered pages', () => {
  it('escapes what is interpolated, unless it is Html already', () => {
    expect(html`<p title="${'"x"'}">${'<script>&'}${new Html('<b>ok</b>')}</p>`.value).toBe('<p title="&#34;x&#34;">&#60;script&#62;&#38;<b>ok</b></p>');
    expect(statusRegion('<bad>').value).toContain('data-tone="error">&#60;bad&#62;</div>');
  });

  it('says a message in red only when it is an error', () => {
    expect(statusRegion('broken link').value).toContain('data-tone="error"');
    expect(statusRegion('back from the provider', 'info').value).toContain('tabindex="-1">back from the provider</div>');
    expect(statusRegion('back from the provider', 'info').value).not.toContain('data-tone');
  });

  it('lays every page out the same: language, escaped title as heading, own stylesheet only', () => {
    const out = page({ language: 'uk', title: 'A & B', main: html`<p>main</p>`, nav: html`<nav>n</nav>` });
    expect(out).toContain('<html lang="uk">');
    expect(out).toContain('<title>A &#38; B — Kabinet</title>');
    expect(out).toContain('<h1>A &#38; B</h1>\n<p>main</p>\n</main>');
    expect(out).toContain('<p class="brand">Kabinet</p>\n<nav>n</nav>');
    expect(out.match(/(?:href|src)="([^"]+)"/g)).toEqual(['href="/pages/mailed-link.css"']);
  });
});
