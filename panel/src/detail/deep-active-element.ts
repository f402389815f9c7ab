/**
 * The element that has focus, looking inside open shadow roots: inside `<fleet-panel>`,
 * `document.activeElement` is the host element, not the card that opened the detail.
 */
export function deepActiveElement(root: Document | ShadowRoot = document): HTMLElement | null {
  let active = root.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}
