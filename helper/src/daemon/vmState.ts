// The helper's view of the VMs: one `limactl list` at a time, never two; a refresh asked for
// while one runs is folded into a single follow-up run.
import { toHelperError } from "../errors";
import type { Limactl } from "../lima/limactl";
import { listVms } from "../lima/list";
import type { VmSnapshot } from "../protocol";

export class VmState {
  private latest: VmSnapshot | undefined;
  private inFlight: Promise<VmSnapshot> | undefined;
  private again: Promise<VmSnapshot> | undefined;

  constructor(
    private readonly limactl: () => Promise<Limactl>,
    private readonly onChange: (snapshot: VmSnapshot) => void,
  ) {}

  current(): Promise<VmSnapshot> {
    return this.latest ? Promise.resolve(this.latest) : this.refresh();
  }

  refresh(): Promise<VmSnapshot> {
    if (!this.inFlight) {
      this.inFlight = this.load().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    // One run is under way and may have read the old state: queue exactly one more.
    this.again ??= this.inFlight.then(() => {
      this.again = undefined;
      return this.refresh();
    });
    return this.again;
  }

  private async load(): Promise<VmSnapshot> {
    let snapshot: VmSnapshot;
    try {
      const limactl = await this.limactl();
      snapshot = { ok: true, vms: await listVms(limactl), limactl: { path: limactl.path, version: limactl.version } };
    } catch (err) {
      snapshot = { ok: false, error: toHelperError(err) };
    }
    if (JSON.stringify(snapshot) !== JSON.stringify(this.latest)) {
      this.latest = snapshot;
      this.onChange(snapshot);
    }
    return snapshot;
  }
}
