/**
 * Loads that reflect the server as it is once asked. A load already running may have been answered before the
 * caller's change (a deploy finishing while the Refresh button's load runs), so a call during a load waits for one
 * more after it; the calls made during one load share that next load.
 */
export class FreshLoads {
  private loading: Promise<void> | null = null;
  private reloading: Promise<void> | null = null;

  constructor(private readonly load: () => Promise<void>) {}

  /** Resolves once a load that started after this call has finished. */
  refresh(): Promise<void> {
    if (!this.loading) return this.start();
    this.reloading ??= this.loading.then(() => {
      this.reloading = null;
      return this.start();
    });
    return this.reloading;
  }

  private start(): Promise<void> {
    this.loading = this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }
}
