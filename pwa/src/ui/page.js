// The frame most screens share: an optional way back, the <h1> that navigation focuses, a lead, the body.
import { h } from '../dom.js';

/** `back` is { href, label }; returns the elements a screen fills or changes later. */
export function pageFrame(outlet, { title, back = null, lead = null }) {
  const backLink = back ? h('a', { class: 'back-link', href: back.href }, back.label) : null;
  const heading = h('h1', { tabindex: '-1' }, title);
  const body = h('div', { class: 'stack' });
  outlet.append(...[backLink, heading, lead ? h('p', { class: 'lead' }, lead) : null, body].filter(Boolean));
  return { backLink, heading, body };
}
