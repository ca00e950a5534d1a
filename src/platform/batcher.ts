/**
 * Groups items that arrive one by one (receipts from an SMS centre, send
 * requests) into one write, and tells each caller when its item is stored:
 * one commit for many items instead of one each, with nothing acknowledged
 * before it is durable. One flush runs at a time, so while it runs the next
 * group fills up by itself.
 */
export interface Batcher<T, R = void> {
  add(item: T): Promise<R>;
  /** Flushes what is waiting and refuses new items. */
  close(): Promise<void>;
}

/** A flush answers every item: its result, or the error that item alone failed with. */
export type FlushResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

export function createBatcher<T, R = void>(
  flush: (items: T[]) => Promise<FlushResult<R>[] | void>,
  options: { maxItems?: number; maxWaitMs?: number; concurrency?: number } = {},
): Batcher<T, R> {
  const maxItems = options.maxItems ?? 500;
  // 0: flush once the I/O of this turn of the event loop is read, so what
  // arrived together goes together without waiting on a timer.
  const maxWaitMs = options.maxWaitMs ?? 5;
  // More than one flush in flight only where order between flushes does not matter.
  const concurrency = options.concurrency ?? 1;
  let waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let timer: { cancel(): void } | null = null;
  const schedule = (fn: () => void) => {
    if (maxWaitMs === 0) {
      const t = setImmediate(fn);
      return { cancel: () => clearImmediate(t) };
    }
    const t = setTimeout(fn, maxWaitMs);
    return { cancel: () => clearTimeout(t) };
  };
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  const busy = () => inFlight.size >= concurrency;

  const run = (): Promise<void> => {
    timer?.cancel();
    timer = null;
    if (busy() || waiting.length === 0) return Promise.all(inFlight).then(() => undefined);
    const batch = waiting.splice(0, maxItems);
    // The flush removes itself from inFlight when done; its first await lets
    // the assignment below happen before that.
    let running: Promise<void> | undefined = undefined;
    running = (async () => {
      await Promise.resolve();
      try {
        const results = await flush(batch.map((b) => b.item));
        batch.forEach((b, i) => {
          const r = results?.[i];
          if (!r) b.resolve(undefined as R);
          else if (r.ok) b.resolve(r.value);
          else b.reject(r.error);
        });
      } catch (error) {
        for (const b of batch) b.reject(error);
      } finally {
        inFlight.delete(running!);
      }
      if (waiting.length > 0) await run();
    })();
    inFlight.add(running);
    if (waiting.length > 0 && !busy()) void run();
    return running;
  };

  return {
    add(item) {
      if (closed) return Promise.reject(new Error('batcher closed'));
      return new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (!busy() && waiting.length >= maxItems) void run();
        else if (!busy()) timer ??= schedule(() => void run());
      });
    },
    async close() {
      closed = true;
      while (waiting.length > 0 || inFlight.size > 0) await run();
    },
  };
}
