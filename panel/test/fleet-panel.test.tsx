import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FleetPanel } from '../src/fleet-panel.js';
import { type MockState, mockDocument } from '../src/mock-documents.js';

const NOW = new Date('2026-03-02T01:00:00Z');

function cards(container: HTMLElement): Record<string, string | null> {
  return Object.fromEntries(
    [...container.querySelectorAll('[data-worker]')].map((card) => [
      card.getAttribute('data-worker'),
      card.getAttribute('data-status'),
    ]),
  );
}

beforeEach(() => {
  // jsdom has no WebGL, like a browser with it disabled: the panel must fall back to the cards.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('FleetPanel without WebGL', () => {
  it.each<[MockState, Record<string, string>]>([
    [
      'healthy',
      {
        'music-render': 'healthy',
        'video-render': 'healthy',
        'image-render': 'healthy',
        'insta-render': 'healthy',
        'task-watcher': 'free',
        ai_trade: 'healthy',
      },
    ],
    ['paused', { 'music-render': 'paused', 'task-watcher': 'trading', ai_trade: 'healthy' }],
    ['down', { 'video-render': 'down', ai_trade: 'down', 'music-render': 'healthy' }],
    [
      'degraded',
      { 'image-render': 'degraded', 'insta-render': 'degraded', 'video-render': 'healthy' },
    ],
  ])('shows the %s fixture as cards with data-status', (state, expected) => {
    const { container } = render(<FleetPanel mock={state} view="3d" />);
    expect(container.querySelector('.fleet-panel')?.getAttribute('data-view')).toBe('2d');
    expect(Object.keys(cards(container))).toHaveLength(6);
    expect(cards(container)).toMatchObject(expected);
    expect(container.querySelector('[data-banner="no-3d"]')?.textContent).toContain(
      'WebGL is not available',
    );
    expect(screen.getByRole('button', { name: '3D' })).toHaveProperty('disabled', true);
  });

  it('labels a down worker and says when it last beat', () => {
    const { container } = render(<FleetPanel mock="down" />);
    const card = container.querySelector('[data-worker="video-render"]');
    expect(card?.textContent).toContain('🔴 다운');
    expect(card?.textContent).toMatch(/last beat \d+s ago/);
    expect(container.querySelector('[data-worker="music-render"]')?.textContent).toContain(
      '⚙️ 처리 중',
    );
  });

  it('shows the dead letters of a degraded worker with ❌', () => {
    const { container } = render(<FleetPanel mock="degraded" />);
    const card = container.querySelector('[data-worker="insta-render"]');
    expect(card?.textContent).toContain('❌');
    expect(card?.textContent).toContain('12');
  });

  it('overlays "collector/Redis connection lost" when redis_ok is false', () => {
    const { container } = render(<FleetPanel mock="redis-down" />);
    expect(container.querySelector('[data-banner="redis-lost"]')?.textContent).toContain(
      'Collector/Redis connection lost',
    );
    expect(container.querySelector('[data-redis]')?.getAttribute('data-redis')).toBe('lost');
  });

  it('polls the endpoint, announces changes in a live region, and keeps stale data on errors', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    const answers = [mockDocument('healthy', NOW), mockDocument('down', NOW)];
    const fetch = vi.fn(async (url: string) => {
      const next = answers.shift();
      if (!next) throw new TypeError('Failed to fetch');
      expect(url).toBe('http://exporter.test/api/agent-office/nodes');
      return new Response(JSON.stringify(next), { status: 200 });
    });
    vi.stubGlobal('fetch', fetch);
    const { container, unmount } = render(
      <FleetPanel endpoint="http://exporter.test/api/agent-office/nodes" />,
    );
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(cards(container)['video-render']).toBe('healthy');

    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(cards(container)['video-render']).toBe('down');
    const live = screen.getByTestId('live-region');
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toContain('video-render: 🔴 다운, down (was ⚙️ 처리 중).');

    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(cards(container)['video-render']).toBe('down');
    expect(container.querySelector('[data-banner="poll-failing"]')?.textContent).toContain(
      'Failed to fetch',
    );
    expect(container.querySelector('[data-stale]')?.getAttribute('data-stale')).toBe('true');
    expect(live.textContent).toContain('Status updates failing');

    unmount();
    const calls = fetch.mock.calls.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetch.mock.calls.length).toBe(calls);
  });

  it('switches to the cards with the toggle', () => {
    vi.mocked(HTMLCanvasElement.prototype.getContext).mockRestore();
    // A browser with WebGL, as far as the panel can tell.
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({
      getExtension: () => null,
    } as unknown as RenderingContext);
    const { container } = render(<FleetPanel mock="healthy" view="2d" />);
    expect(container.querySelector('.fleet-panel')?.getAttribute('data-view')).toBe('2d');
    expect(screen.getByRole('button', { name: '2D' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: '3D' })).toHaveProperty('disabled', false);
  });
});

describe('FleetPanel with a fixture', () => {
  it('never touches the network', () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    render(<FleetPanel mock="healthy" />);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('counts workers by status in the header', () => {
    const { container } = render(<FleetPanel mock="down" />);
    expect(container.querySelector('[data-summary="down"]')?.textContent).toContain('2 down');
    expect(container.querySelector('[data-summary="healthy"]')?.textContent).toContain('4 healthy');
    fireEvent.click(screen.getByRole('button', { name: '2D' }));
    expect(container.querySelectorAll('[data-worker]')).toHaveLength(6);
  });
});
