/** Work the API accepted (202) and does a moment later, in the order it was accepted. */
export class DeferredTasks {
  readonly #timers = new Set<NodeJS.Timeout>();

  get pending(): number {
    return this.#timers.size;
  }

  run(delayMs: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, delayMs);
    this.#timers.add(timer);
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
