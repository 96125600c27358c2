/**
 * The server-rendered pages' HTML (the gateway's mailed-link pages, identity's OAuth login and
 * consent pages): escaping templates and the one layout they share with its stylesheet.
 */

/** HTML that is already escaped: interpolating it into `html` keeps it as it is. */
export class Html {
  constructor(readonly value: string) {}
}

const escapeText = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const valueHtml = (value: string | Html | undefined) => (value instanceof Html ? value.value : value === undefined ? '' : escapeText(value));

/** A template whose interpolated values are escaped, unless they are `Html` themselves. */
export function html(strings: TemplateStringsArray, ...values: (string | Html | undefined)[]): Html {
  return new Html(strings.reduce((out, text, index) => out + valueHtml(values[index - 1]) + text));
}

export const joinHtml = (parts: Html[]) => new Html(parts.map((part) => part.value).join('\n'));

/**
 * Where the page says how things went, announced to screen readers. A message given at render is
 * an error (red) unless told `info`: a page that can only explain says what it knows, neither
 * success nor failure.
 */
export const statusRegion = (message?: string, tone: 'error' | 'info' = 'error') =>
  html`<div id="status" class="status" role="status" aria-live="polite" tabindex="-1"${message && tone === 'error' ? new Html(' data-tone="error"') : undefined}>${message}</div>`;

export interface PageParts {
  /** The `lang` of the page. */
  language: string;
  title: string;
  main: Html;
  /** After the stylesheet in `<head>` (a module script). */
  head?: Html | undefined;
  /** After the brand in the top bar (a language switch). */
  nav?: Html | undefined;
  /** After `<main>` (a data block for the page's script). */
  end?: Html | undefined;
}

/** A whole page: Kabinet's top bar, the title as heading, the mailed-link pages' stylesheet, nothing from elsewhere. */
export function page({ language, title, main, head, nav, end }: PageParts): string {
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title} \u2014 Kabinet</title>
<link rel="stylesheet" href="/pages/mailed-link.css">
${head}
</head>
<body>
<header class="top">
<p class="brand">Kabinet</p>
${nav}
</header>
<main>
<h1>${title}</h1>
${main}
</main>
${end}
</body>
</html>
`.value;
}
