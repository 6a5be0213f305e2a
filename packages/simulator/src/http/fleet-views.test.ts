import { inflateRawSync } from 'node:zlib';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TraineeView } from '../drill/trainee-view';
import { FleetViews } from './fleet-views';

const slot = 'session:ABC123';
const interestMs = 1000;

/**
 * An owner's FleetViews on a socket.io server without PostgreSQL: what it would send to the fleet
 * (`serverSideEmit`) is recorded from the namespace's adapter, and a message from another
 * instance is handed in the way an adapter hands it (`_onServerSideEmit`).
 */
function owner() {
  const io = new Server();
  const sent: unknown[][] = [];
  io.of('/').adapter.serverSideEmit = (packet: unknown[]) => void sent.push(packet);
  // The constructor is private (connect() makes the pool and adapter); neither is used here.
  const fleet = Reflect.construct(FleetViews, [{ url: 'postgres://unused', routeOf: () => undefined, interestMs }, { end: async () => undefined }, () => undefined]) as FleetViews;
  fleet.attach(io);
  let built = 0;
  fleet.own(slot, {
    view: () => {
      built += 1;
      return { built } as unknown as TraineeView;
    },
    who: (hash) => (hash === 'known' ? { name: 'Ana', role: 'primary-on-call', permissions: ['view'] } : undefined),
  });
  const fromFleet = (message: { slot: string; tokenHash?: string; socket?: string }) => io.of('/')._onServerSideEmit(['view-wanted', message]);
  const published = () => sent.filter((packet) => packet[0] === 'view-published');
  return { io, fleet, fromFleet, published, built: () => built };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('FleetViews: an owner publishes a watched slot to the fleet', () => {
  it('publishes at once for a new viewer elsewhere, not again for the renewals while it publishes, and again once interest had lapsed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { fleet, fromFleet, published, built } = owner();
    try {
      fromFleet({ slot, tokenHash: 'known', socket: 'viewer-on-b' });
      expect(built()).toBe(1);
      expect(published()).toHaveLength(1);
      const [, publishedSlot, compressed] = published()[0]!;
      expect(publishedSlot).toBe(slot);
      expect(JSON.parse(inflateRawSync(Buffer.from(compressed as string, 'base64')).toString('utf8'))).toEqual({ built: 1 });

      // Renewals while the slot is published: no view built or sent; the drill's push sends it.
      vi.advanceTimersByTime(500);
      fromFleet({ slot });
      fromFleet({ slot });
      expect(built()).toBe(1);
      expect(published()).toHaveLength(1);
      vi.advanceTimersByTime(500);
      fleet.pushed(slot, () => ({ pushed: true }) as unknown as TraineeView);
      expect(published()).toHaveLength(2);

      // No one said they watch for over 3× the interest period: the owner stopped; a renewal now publishes at once.
      vi.advanceTimersByTime(3 * interestMs + 1);
      fleet.pushed(slot, () => ({ pushed: true }) as unknown as TraineeView);
      expect(published()).toHaveLength(2);
      fromFleet({ slot });
      expect(built()).toBe(2);
      expect(published()).toHaveLength(3);
    } finally {
      // The server was never attached to an HTTP server: nothing of it to close but the renewal timer.
      await fleet.close();
    }
  });
});
