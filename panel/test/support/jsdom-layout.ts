/**
 * jsdom lays nothing out: no ResizeObserver, every box 0×0. The card list is virtualised and
 * renders the rows that fit its box, so the unit tests give the list a screen-sized box; the rows
 * stay 0 tall, so every row fits and all cards render. Browser tests (node environment) skip this.
 */
if (typeof window !== 'undefined' && !('ResizeObserver' in window)) {
  class StillResizeObserver {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  Object.assign(window, { ResizeObserver: StillResizeObserver });
  // The list's own size, as @tanstack/react-virtual reads it (clientWidth/clientHeight).
  for (const [property, size] of [
    ['clientWidth', 1280],
    ['clientHeight', 800],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, property, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('fp-cards') ? size : 0;
      },
    });
  }
}
