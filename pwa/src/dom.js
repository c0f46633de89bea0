// Tiny DOM builder: text always goes through text nodes, never innerHTML, and
// `style` is refused because the CSP forbids inline styles.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'style') throw new Error('Inline styles are blocked by the CSP; use a class.');
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** French typography: no line break inside « … » nor before : ; ? ! */
export function frenchSpacing(text) {
  return text.replace(/« /g, '«\u00a0').replace(/ ([»:;?!])/g, '\u00a0$1');
}

function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(frenchSpacing(String(child))));
  }
}

/** replaceChildren that, like h(), skips null/false and keeps French spacing. */
export function setChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}
