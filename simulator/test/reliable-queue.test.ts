import { clearQueuePaused, ReliableQueue, setQueuePaused } from '@fleet/simulator';
import { useTestRedis } from '@fleet/testing/vitest';
import { beforeEach, describe, expect, it } from 'vitest';

const db = useTestRedis();
let queue: ReliableQueue;

beforeEach(async () => {
  queue = new ReliableQueue({ redis: db.redis, queue: 'queue:image-render', consumerId: 'c1' });
});

describe('ReliableQueue (docs/spec.md §2 layout)', () => {
  it('names its lists as the contract does', () => {
    expect(queue).toMatchObject({
      queue: 'queue:image-render',
      processing: 'processing:queue:image-render:c1',
      deadLetter: 'dead_letter:queue:image-render',
    });
  });

  it('hands out jobs oldest first, each held in the in-flight list while worked on', async () => {
    expect(await queue.push('a', 'b')).toBe(2);
    await queue.push('c');
    expect(await queue.take()).toBe('a');
    expect(await db.redis.lrange(queue.processing, 0, -1)).toEqual(['a']);
    expect(await queue.take()).toBe('b');
    expect(await db.redis.llen(queue.queue)).toBe(1);
    await queue.complete('a');
    expect(await db.redis.lrange(queue.processing, 0, -1)).toEqual(['b']);
  });

  it('moves a failed job to the dead-letter list, out of the in-flight list', async () => {
    await queue.push('a');
    await queue.take();
    await queue.fail('a');
    expect(await db.redis.llen(queue.processing)).toBe(0);
    expect(await db.redis.lrange(queue.deadLetter, 0, -1)).toEqual(['a']);
  });

  it('returns null when nothing is pending', async () => {
    expect(await queue.take()).toBeNull();
  });

  it('requeues what a crashed consumer left in flight, and the dead letters', async () => {
    await queue.push('a', 'b', 'c');
    await queue.take();
    await queue.take();
    await queue.fail('b');
    const next = new ReliableQueue({
      redis: db.redis,
      queue: 'queue:image-render',
      consumerId: 'c2',
    });
    expect(await next.requeueInFlight(queue.processing)).toBe(1);
    expect(await next.requeueDeadLetters()).toBe(1);
    expect(await db.redis.llen(queue.processing)).toBe(0);
    expect(await db.redis.llen(queue.deadLetter)).toBe(0);
    expect((await db.redis.lrange(queue.queue, 0, -1)).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('queue:paused', () => {
  it('is "1" with the TTL while paused, and gone after', async () => {
    await setQueuePaused(db.redis, 45);
    expect(await db.redis.get('queue:paused')).toBe('1');
    expect(await db.redis.ttl('queue:paused')).toBeGreaterThan(43);
    await clearQueuePaused(db.redis);
    expect(await db.redis.exists('queue:paused')).toBe(0);
  });
});
