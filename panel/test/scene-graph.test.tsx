import type { StatusDocument } from '@fleet/core/contracts';
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { act as domAct, renderHook } from '@testing-library/react';
import {
  type Color,
  type InstancedMesh,
  Matrix4,
  type Mesh,
  type MeshBasicMaterial,
  type Object3D,
  Vector3,
} from 'three';
import { afterEach, describe, expect, it } from 'vitest';
import { type MockState, mockDocument } from '../src/mock-documents.js';
import { FlowParticles, MAX_PARTICLES, PARTICLES_PER_PIPE } from '../src/scene/flow-particles.js';
import { SceneContent } from '../src/scene/scene-content.js';
import { computeLayout, type SceneLayout } from '../src/scene/scene-layout.js';
import { useSceneLayout } from '../src/scene/use-scene-layout.js';
import { StatusStore } from '../src/status-store.js';
import { STATUS_COLORS } from '../src/status-visuals.js';
import { topologyFromKey, topologyKey } from '../src/worker-views.js';

// The test renderer drives React through act(); React warns on every update unless told so.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const NOW = new Date('2026-03-02T01:00:00Z');
const FRAME = 1 / 60;

type Renderer = Awaited<ReturnType<typeof ReactThreeTestRenderer.create>>;
let renderer: Renderer | undefined;

afterEach(async () => {
  await renderer?.unmount();
  renderer = undefined;
});

function storeWith(doc: StatusDocument): StatusStore {
  const store = new StatusStore();
  store.acceptDocument(doc, NOW.getTime());
  return store;
}

function layoutOf(store: StatusStore): SceneLayout {
  const { workers, hosts } = topologyFromKey(topologyKey(store.getSnapshot()));
  return computeLayout(workers, hosts);
}

async function renderScene(state: MockState, reducedMotion = false) {
  const store = storeWith(mockDocument(state, NOW));
  const layout = layoutOf(store);
  renderer = await ReactThreeTestRenderer.create(
    <SceneContent layout={layout} store={store} reducedMotion={reducedMotion} />,
  );
  await renderer.advanceFrames(2, FRAME);
  return { store, layout, scene: renderer.scene.instance as Object3D };
}

function byName(root: Object3D, name: string): Object3D[] {
  const found: Object3D[] = [];
  root.traverse((object) => {
    if (object.name === name) found.push(object);
  });
  return found;
}

function markerOf(root: Object3D, worker: string): Object3D | undefined {
  return byName(root, 'break-marker').find((object) => object.userData.worker === worker);
}

function visiblePattern(root: Object3D, worker: string): string[] {
  const pipe = byName(root, `pipe:${worker}`)[0];
  return (pipe?.children ?? []).filter((child) => child.visible).map((child) => child.name);
}

/** Positions and scales of one pipe's particles. */
function particlesOf(scene: Object3D, pipeIndex: number) {
  const mesh = byName(scene, 'flow-particles')[0] as InstancedMesh;
  const matrix = new Matrix4();
  return Array.from({ length: PARTICLES_PER_PIPE }, (_, i) => {
    mesh.getMatrixAt(pipeIndex * PARTICLES_PER_PIPE + i, matrix);
    const position = new Vector3().setFromMatrixPosition(matrix);
    const scale = new Vector3().setFromMatrixScale(matrix).x;
    return { position, scale };
  });
}

function instanceColor(mesh: InstancedMesh, index: number): Color {
  const color = (mesh.material as MeshBasicMaterial).color.clone();
  mesh.getColorAt(index, color);
  return color;
}

describe('3D scene graph', () => {
  it('draws all particles of all pipes with ONE instanced mesh', async () => {
    const { scene, layout } = await renderScene('healthy');
    const meshes = byName(scene, 'flow-particles');
    expect(meshes).toHaveLength(1);
    expect((meshes[0] as InstancedMesh).count).toBe(layout.pipes.length * PARTICLES_PER_PIPE);
    expect(layout.pipes.length).toBe(5);
  });

  it('draws every worker blade with three instanced meshes', async () => {
    const { scene, layout } = await renderScene('healthy');
    for (const name of ['worker-rims', 'worker-bodies', 'worker-busy-bars']) {
      const meshes = byName(scene, name) as InstancedMesh[];
      expect(meshes).toHaveLength(1);
      expect(meshes[0]?.count).toBe(layout.slots.length);
    }
  });

  it('cuts a down pipe: break marker shown, pipe broken, no particles', async () => {
    const { scene, layout } = await renderScene('down');
    const down = layout.pipes.findIndex((pipe) => pipe.worker === 'video-render');
    const before = particlesOf(scene, down);
    await renderer?.advanceFrames(30, FRAME);
    const after = particlesOf(scene, down);

    expect(markerOf(scene, 'video-render')?.visible).toBe(true);
    expect(markerOf(scene, 'ai_trade')?.visible).toBe(true);
    expect(markerOf(scene, 'music-render')?.visible).toBe(false);
    expect(visiblePattern(scene, 'video-render')).toEqual(['pipe-broken-core', 'pipe-broken-glow']);
    expect(after.every((particle) => particle.scale === 0)).toBe(true);
    expect(after.map((p) => p.position.toArray())).toEqual(before.map((p) => p.position.toArray()));
  });

  it.each([
    ['healthy', 'music-render', 'solid', STATUS_COLORS.healthy],
    ['paused', 'music-render', 'dashed', STATUS_COLORS.paused],
    ['degraded', 'image-render', 'solid', STATUS_COLORS.degraded],
    ['down', 'video-render', 'broken', STATUS_COLORS.down],
    ['redis-down', 'music-render', 'dashed', STATUS_COLORS.unknown],
  ] as const)('%s: %s pipe is %s and %s', async (state, worker, pattern, color) => {
    const { scene } = await renderScene(state);
    expect(visiblePattern(scene, worker)).toEqual([`pipe-${pattern}-core`, `pipe-${pattern}-glow`]);
    const pipe = byName(scene, `pipe:${worker}`)[0];
    const core = pipe?.children.find((child) => child.name === `pipe-${pattern}-core`) as Mesh;
    expect(core).toBeDefined();
    expect(`#${(core.material as MeshBasicMaterial).color.getHexString()}`).toBe(color);
  });

  it('colours a worker blade rim by its status', async () => {
    const { scene, layout } = await renderScene('down');
    const rims = byName(scene, 'worker-rims')[0] as InstancedMesh;
    const index = (name: string) => layout.slots.findIndex((slot) => slot.name === name);
    expect(`#${instanceColor(rims, index('video-render')).getHexString()}`).toBe(
      STATUS_COLORS.down,
    );
    expect(`#${instanceColor(rims, index('music-render')).getHexString()}`).toBe(
      STATUS_COLORS.healthy,
    );
  });

  /** Height and centre y of each named blade's busy bar, relative to the blade. */
  function busyBars(scene: Object3D, layout: SceneLayout, names: readonly string[]) {
    const bars = byName(scene, 'worker-busy-bars')[0] as InstancedMesh;
    const matrix = new Matrix4();
    return names.map((name) => {
      const index = layout.slots.findIndex((slot) => slot.name === name);
      bars.getMatrixAt(index, matrix);
      const y =
        new Vector3().setFromMatrixPosition(matrix).y - (layout.slots[index]?.center[1] ?? 0);
      return { height: new Vector3().setFromMatrixScale(matrix).y, y };
    });
  }

  // Busy and idle are both green: the busy bar tells them apart by shape and motion.
  it('draws a sweeping busy bar on busy blades only, and holds it still, full height, under reduced motion', async () => {
    const { scene, layout } = await renderScene('healthy');
    const names = ['music-render', 'video-render', 'image-render', 'task-watcher'];
    const [music, video, image, watcher] = busyBars(scene, layout, names);
    expect(music?.height).toBeGreaterThan(0);
    expect(video?.height).toBeGreaterThan(0);
    expect(image?.height).toBe(0);
    expect(watcher?.height).toBe(0);
    await renderer?.advanceFrames(10, FRAME);
    expect(busyBars(scene, layout, ['music-render'])[0]?.y).not.toBeCloseTo(music?.y ?? 0, 3);
    await renderer?.unmount();

    const still = await renderScene('healthy', true);
    const before = busyBars(still.scene, still.layout, ['music-render'])[0];
    await renderer?.advanceFrames(10, FRAME);
    expect(busyBars(still.scene, still.layout, ['music-render'])[0]).toEqual(before);
    expect(before?.height).toBeGreaterThan((music?.height ?? 0) * 2);
  });

  it('shows no busy bar on a dead worker or while Redis cannot be read', async () => {
    for (const state of ['down', 'redis-down'] as const) {
      const { scene, layout } = await renderScene(state);
      const [bar] = busyBars(scene, layout, [state === 'down' ? 'video-render' : 'music-render']);
      expect(bar?.height).toBe(0);
      await renderer?.unmount();
      renderer = undefined;
    }
  });

  it('turns the whole Redis bus red when the collector loses Redis', async () => {
    const { scene } = await renderScene('redis-down');
    const bus = byName(scene, 'redis-bus')[0];
    const colors = new Set<string>();
    bus?.traverse((object) => {
      const material = (object as Mesh).material as MeshBasicMaterial | undefined;
      if (material?.color) colors.add(`#${material.color.getHexString()}`);
    });
    expect([...colors]).toEqual([STATUS_COLORS.down]);
  });

  it('shows no particles anywhere while Redis cannot be read', async () => {
    const { scene, layout } = await renderScene('redis-down');
    for (const [index] of layout.pipes.entries())
      expect(particlesOf(scene, index).every((particle) => particle.scale === 0)).toBe(true);
  });

  it('stops the particles under reduced motion', async () => {
    const { scene } = await renderScene('healthy', true);
    const before = particlesOf(scene, 0).map((p) => p.position.clone());
    await renderer?.advanceFrames(30, FRAME);
    const after = particlesOf(scene, 0);
    expect(after.every((p, i) => p.position.equals(before[i] ?? new Vector3()))).toBe(true);
    expect(after.some((p) => p.scale > 0)).toBe(true);
  });
});

describe('particle speed', () => {
  /** How far the first particle of `worker`'s pipe moves in one second of frames. */
  async function travel(doc: StatusDocument, worker: string): Promise<number> {
    const store = storeWith(doc);
    const layout = layoutOf(store);
    const pipes = layout.pipes.filter((pipe) => pipe.worker === worker);
    const r = await ReactThreeTestRenderer.create(
      <FlowParticles pipes={pipes} store={store} reducedMotion={false} perPipe={1} />,
    );
    const mesh = r.scene.children[0]?.instance as InstancedMesh;
    const matrix = new Matrix4();
    await r.advanceFrames(1, FRAME);
    mesh.getMatrixAt(0, matrix);
    const start = new Vector3().setFromMatrixPosition(matrix);
    let distance = 0;
    for (let frame = 0; frame < 60; frame += 1) {
      await r.advanceFrames(1, FRAME);
      mesh.getMatrixAt(0, matrix);
      const next = new Vector3().setFromMatrixPosition(matrix);
      distance += next.distanceTo(start);
      start.copy(next);
    }
    await r.unmount();
    return distance;
  }

  it('is fastest to a busy worker, slower when idle, crawling when paused, nil when down', async () => {
    const busy = await travel(mockDocument('healthy', NOW), 'music-render');
    const idle = await travel(mockDocument('healthy', NOW), 'image-render');
    const paused = await travel(mockDocument('paused', NOW), 'music-render');
    const down = await travel(mockDocument('down', NOW), 'video-render');
    expect(busy).toBeGreaterThan(idle * 2);
    expect(idle).toBeGreaterThan(paused * 5);
    expect(paused).toBeGreaterThan(0);
    expect(down).toBe(0);
    // Moved by delta: about 0.42 × 16 scene units in one second for a busy worker.
    expect(busy).toBeGreaterThan(5);
    expect(busy).toBeLessThan(8);
  });
});

describe('scene layout subscription', () => {
  it('does not re-render the scene for a poll that only changes statuses, but does for a new worker', () => {
    const store = storeWith(mockDocument('healthy', NOW));
    let renders = 0;
    const { result } = renderHook(() => {
      renders += 1;
      return useSceneLayout(store);
    });
    const first = result.current;
    const baseline = renders;
    domAct(() => {
      store.acceptDocument(mockDocument('down', NOW), NOW.getTime() + 3000);
      store.acceptDocument(mockDocument('degraded', NOW), NOW.getTime() + 6000);
      store.acceptError('HTTP 502');
    });
    expect(renders).toBe(baseline);
    expect(result.current).toBe(first);

    const grown = mockDocument('healthy', NOW);
    grown.workers.push({
      ...(grown.workers[0] as StatusDocument['workers'][number]),
      name: 'extra-render',
    });
    domAct(() => store.acceptDocument(grown, NOW.getTime() + 9000));
    expect(renders).toBeGreaterThan(baseline);
    expect(result.current.slots.map((slot) => slot.name)).toContain('extra-render');
  });
});

describe('3D scene graph of a big fleet', () => {
  /** Meshes that would be drawn: visible themselves and through every parent. */
  function drawnMeshes(scene: Object3D): Mesh[] {
    const meshes: Mesh[] = [];
    const visit = (object: Object3D) => {
      if (!object.visible) return;
      if ((object as Mesh).isMesh) meshes.push(object as Mesh);
      for (const child of object.children) visit(child);
    };
    visit(scene);
    return meshes;
  }

  it('draws fleet-500 with a bounded number of draw calls: calm workers grouped and instanced', async () => {
    const small = drawnMeshes((await renderScene('fleet-50')).scene).length;
    await renderer?.unmount();
    const { scene, layout } = await renderScene('fleet-500');
    const drawn = drawnMeshes(scene);
    // A few draw calls per problem worker and per group, never one per worker.
    expect(drawn.length).toBeLessThan(100);
    expect(drawn.length).toBeLessThan(small);
    // The three hosts' calm render workers: one group node each, drawn with four instanced meshes.
    expect(layout.groups.map((group) => group.host)).toEqual(['windows', 'gpu-1', 'gpu-2']);
    for (const name of ['group-rims', 'group-bodies', 'group-busy-share'])
      expect((byName(scene, name) as InstancedMesh[]).map((mesh) => mesh.count)).toEqual([3]);
    const particles = byName(scene, 'flow-particles')[0] as InstancedMesh;
    expect(particles.count).toBeLessThanOrEqual(MAX_PARTICLES);
  });

  it('draws each problem worker of fleet-500 on its own blade, with its own pipe', async () => {
    const doc = mockDocument('fleet-500', NOW);
    const { scene, layout } = await renderScene('fleet-500');
    const problems = doc.workers.filter(
      (w) => !w.alive || w.dead_letter > 0 || w.state === 'paused' || w.maintenance || w.job_stuck,
    );
    expect(problems).toHaveLength(9);
    const own = new Set(layout.slots.map((slot) => slot.name));
    for (const worker of problems) {
      expect(own.has(worker.name), worker.name).toBe(true);
      expect(byName(scene, `pipe:${worker.name}`), worker.name).toHaveLength(1);
    }
    for (const name of ['render-042', 'render-250', 'render-377'])
      expect(markerOf(scene, name)?.visible).toBe(true);
    expect(visiblePattern(scene, 'render-200')).toEqual(['pipe-dashed-core', 'pipe-dashed-glow']);
    // A group's pipe is its members' (healthy, solid), with particles flowing.
    const group = layout.groups[0];
    expect(visiblePattern(scene, group?.id ?? '')).toEqual(['pipe-solid-core', 'pipe-solid-glow']);
    const index = layout.pipes.findIndex((pipe) => pipe.worker === group?.id);
    const perPipe =
      (byName(scene, 'flow-particles')[0] as InstancedMesh).count / layout.pipes.length;
    const matrix = new Matrix4();
    const mesh = byName(scene, 'flow-particles')[0] as InstancedMesh;
    mesh.getMatrixAt(index * perPipe + 1, matrix);
    expect(new Vector3().setFromMatrixScale(matrix).x).toBeGreaterThan(0);
  });

  it('regroups when a calm worker gets a problem, but not when one only turns busy or idle', () => {
    const store = storeWith(mockDocument('fleet-500', NOW));
    let renders = 0;
    const { result } = renderHook(() => {
      renders += 1;
      return useSceneLayout(store);
    });
    const first = result.current;
    const baseline = renders;
    const flip = (patch: Partial<StatusDocument['workers'][number]>, at: number) => {
      const doc = mockDocument('fleet-500', NOW);
      doc.workers = doc.workers.map((w) => (w.name === 'render-300' ? { ...w, ...patch } : w));
      domAct(() => store.acceptDocument(doc, NOW.getTime() + at));
    };
    flip({ state: 'idle', processing: 0 }, 3000);
    expect(renders).toBe(baseline);
    expect(result.current).toBe(first);
    flip({ dead_letter: 2 }, 6000);
    expect(result.current.slots.map((slot) => slot.name)).toContain('render-300');
    expect(result.current.groups.flatMap((group) => group.members)).not.toContain('render-300');
  });
});
