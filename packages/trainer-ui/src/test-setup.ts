import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
});

/**
 * jsdom lays nothing out, so it has no ResizeObserver: this one reports a resize when a test
 * calls `resizeObserved()`, as a browser would when an observed box changes size.
 */
const observers = new Set<{ callback: ResizeObserverCallback; self: ResizeObserver }>();
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    private readonly entry: { callback: ResizeObserverCallback; self: ResizeObserver };
    constructor(callback: ResizeObserverCallback) {
      this.entry = { callback, self: this };
    }
    observe() {
      observers.add(this.entry);
    }
    unobserve() {
      observers.delete(this.entry);
    }
    disconnect() {
      observers.delete(this.entry);
    }
  };
}
export function resizeObserved(): void {
  for (const { callback, self } of [...observers]) callback([], self);
}
