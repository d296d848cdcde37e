// Keeps one engine's calls within its configured QPS and concurrency, so a big import does
// not run into the service's throttling (APIG.0308) or its default limit of 10 calls in
// flight. Starts are spaced 1/qps apart; at most `concurrency` calls run at once.
export interface CallLimiter {
  run<T>(call: () => Promise<T>): Promise<T>;
}

export function createCallLimiter(
  limits: { readonly qps: number; readonly concurrency: number },
  deps: { readonly now: () => number; readonly sleep: (ms: number) => Promise<void> },
): CallLimiter {
  const spacingMs = 1000 / limits.qps;
  let active = 0;
  let nextStart = 0;
  const waiting: (() => void)[] = [];

  async function acquire(): Promise<void> {
    while (active >= limits.concurrency) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    active++;
    const at = deps.now();
    const start = Math.max(at, nextStart);
    nextStart = start + spacingMs;
    if (start > at) await deps.sleep(start - at);
  }

  function release(): void {
    active--;
    waiting.shift()?.();
  }

  return {
    async run(call) {
      await acquire();
      try {
        return await call();
      } finally {
        release();
      }
    },
  };
}
