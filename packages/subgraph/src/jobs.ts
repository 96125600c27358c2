/** Runs `job` every `seconds` (never twice at once); 0 turns it off. */
export function every(seconds: number, job: () => Promise<unknown>, onError: (error: unknown) => void): { stop(): Promise<void> } {
  if (seconds === 0) return { stop: async () => {} };
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= job()
      .catch(onError)
      .finally(() => (running = null));
  }, seconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
