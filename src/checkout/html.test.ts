import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attr, escapeHtml, html, raw, SafeHtml } from './html.js';

describe('html templates escape by default', () => {
  it('renders script in a value inert, in text and in attributes', () => {
    const name = '<script>alert("x")</script>';
    const out = html`<p title="${name}">${name}</p>`.toString();
    expect(out).toBe('<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    expect(out).not.toContain('<script');
  });

  it('cannot break out of a quoted attribute, single or double', () => {
    const evil = `" onmouseover='alert(1)' x="`;
    const out = html`<input value="${evil}"><input value='${evil}'>`.toString();
    expect(out).not.toMatch(/value="[^"]*"[^>]*onmouseover/);
    expect(out).toContain('&quot; onmouseover=&#39;alert(1)&#39; x=&quot;');
  });

  it('keeps nested templates and raw() as markup, escapes arrays element by element', () => {
    const items = ['<b>', 'a&b'];
    const out = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${raw('<hr>')}`.toString();
    expect(out).toBe('<ul><li>&lt;b&gt;</li><li>a&amp;b</li></ul><hr>');
  });

  it('renders null, undefined and false as nothing, numbers as text', () => {
    expect(html`[${null}${undefined}${false}${0}${12.5}]`.toString()).toBe('[012.5]');
  });

  it('a string that looks like SafeHtml is still escaped; only SafeHtml instances pass', () => {
    const fake = { value: '<i>', toString: () => '<i>' } as unknown as string;
    expect(html`${fake}`.toString()).toBe('&lt;i&gt;');
    expect(html`${new SafeHtml('<i>')}`.toString()).toBe('<i>');
  });

  it('boolean attributes', () => {
    expect(html`<input ${attr('required', true)} ${attr('readonly', false)}>`.toString()).toBe('<input required >');
  });

  it('escaped text never contains a markup character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"'`]/);
        // & appears only as the start of one of our entities
        expect(out.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&');
      }),
    );
  });
});
