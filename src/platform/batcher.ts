/**
 * Groups items that arrive one by one (receipts from an SMS centre) into one
 * write, and tells each caller when its item is stored: one commit for many
 * items instead of one each, with nothing acknowledged before it is durable.
 */
export interface Batcher<T> {
  add(item: T): Promise<void>;
  /** Flushes what is waiting and refuses new items. */
  close(): Promise<void>;
}

export function createBatcher<T>(flush: (items: T[]) => Promise<void>, options: { maxItems?: number; maxWaitMs?: number } = {}): Batcher<T> {
  const maxItems = options.maxItems ?? 500;
  const maxWaitMs = options.maxWaitMs ?? 5;
  let waiting: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const run = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return running;
    // One flush at a time keeps writes in arrival order.
    running = running.then(async () => {
      try {
        await flush(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    });
    return running;
  };

  return {
    add(item) {
      if (closed) return Promise.reject(new Error('batcher closed'));
      return new Promise<void>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (waiting.length >= maxItems) void run();
        else timer ??= setTimeout(() => void run(), maxWaitMs);
      });
    },
    async close() {
      closed = true;
      await run();
      await running;
    },
  };
}
