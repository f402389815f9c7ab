import type { Page } from 'playwright-core';

/** A piece of a card that does not show whole: which card, what, and by how many pixels. */
export interface Clipped {
  worker: string;
  what: string;
  by: number;
}

/**
 * Every rendered card's content, checked in the page: no box inside a card scrolls or is cut
 * (scrollHeight/scrollWidth over clientHeight/clientWidth), and every text's box lies within its
 * card's box. Cards the list has scrolled out of sight are still checked: clipping is about the
 * card, not the viewport. Decoration (`aria-hidden`) is not content.
 */
export async function clippedCardContent(page: Page): Promise<Clipped[]> {
  return page.$$eval('.fp-card[data-worker]', (cards) => {
    const found: { worker: string; what: string; by: number }[] = [];
    for (const card of cards) {
      const worker = card.getAttribute('data-worker') ?? '?';
      const box = card.getBoundingClientRect();
      for (const element of [card, ...card.querySelectorAll('*')]) {
        // Inline boxes have no client size; their text is checked below.
        if (element.clientHeight === 0 && element.clientWidth === 0) continue;
        // Decoration (the busy light sweeping inside its bar) may move past its own box.
        if (element.closest('[aria-hidden="true"]')) continue;
        const tall = element.scrollHeight - element.clientHeight;
        const wide = element.scrollWidth - element.clientWidth;
        const name = `${element.tagName.toLowerCase()}.${element.className}`;
        if (tall > 1) found.push({ worker, what: `${name} height`, by: tall });
        if (wide > 1) found.push({ worker, what: `${name} width`, by: wide });
      }
      const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const text = range.getBoundingClientRect();
        const by = Math.max(
          box.left - text.left,
          text.right - box.right,
          box.top - text.top,
          text.bottom - box.bottom,
        );
        if (by > 1) found.push({ worker, what: `text "${node.textContent.trim()}"`, by });
      }
    }
    return found;
  });
}

/** Scrolls the card list to its end and says which card is last in it and whether it shows whole. */
export async function scrollToLastCard(
  page: Page,
): Promise<{ scrollable: boolean; last: string | null; visible: boolean }> {
  const scrollable = await page.$eval('.fp-cards', (list) => {
    const overflows = list.scrollHeight > list.clientHeight;
    list.scrollTop = list.scrollHeight;
    return overflows;
  });
  // The list renders and measures the rows it reaches, which may move its end: follow the end
  // until it stays put for a poll.
  await page.waitForFunction(
    () => {
      const list = document.querySelector('.fp-cards');
      if (!list) return false;
      const seen = list.getAttribute('data-test-end');
      list.scrollTop = list.scrollHeight;
      list.setAttribute('data-test-end', String(list.scrollHeight));
      const cards = list.querySelectorAll('.fp-card[data-worker]');
      const last = cards[cards.length - 1];
      return (
        seen === String(list.scrollHeight) &&
        last?.getAttribute('aria-posinset') === last?.getAttribute('aria-setsize') &&
        Math.ceil(list.scrollTop + list.clientHeight) >= list.scrollHeight - 1
      );
    },
    undefined,
    { polling: 100 },
  );
  return page
    .$eval('.fp-cards', (list) => {
      const cards = [...list.querySelectorAll('.fp-card[data-worker]')];
      const last = cards.at(-1) ?? null;
      if (!last) return { scrollable: false, last: null, visible: false };
      const outer = list.getBoundingClientRect();
      const box = last.getBoundingClientRect();
      return {
        scrollable: list.scrollHeight > list.clientHeight,
        last: last.getAttribute('data-worker'),
        visible:
          box.top >= outer.top - 1 &&
          box.bottom <= outer.bottom + 1 &&
          box.left >= outer.left - 1 &&
          box.right <= outer.right + 1,
      };
    })
    .then((result) => ({ ...result, scrollable: scrollable && result.scrollable }));
}
