import { DNS1123_LABEL } from '../names';
import {
  ApplyOutcome,
  fluxEvent,
  FluxReporterOptions,
  postFluxEvent,
} from '../flux';
import { ReleaseFolder } from '../git/ConfigSource';
import { PersistedState } from '../state';
import { Logger } from './types';

/**
 * The result of each folder's apply: recorded in the persisted state (`/status`), and
 * reported to the release manager as a Flux event (Flux notification-controller
 * generic webhook payload, `POST /webhook/flux/{env}`) once per change, so a restart
 * or a repeated pass does not report the same apply twice, and a report that failed is
 * sent again on the next pass.
 */
export class ApplyReports {
  constructor(
    private readonly state: PersistedState,
    private readonly options: {
      reporter: FluxReporterOptions;
      clusterName: string;
      logger: Logger;
      now: () => number;
    },
  ) {}

  /**
   * Records the folder's result; @returns the outcome when it must be reported (it
   * changed, or was never reported), else undefined.
   */
  record(
    f: ReleaseFolder,
    revision: string,
    ok: boolean,
    message: string,
    reason: string,
    changed = false,
  ): ApplyOutcome | undefined {
    const prev = this.state.folders[f.path];
    const result = ok ? 'applied' : 'failed';
    const same =
      prev &&
      prev.tree === f.tree &&
      prev.result === result &&
      prev.message === message;
    this.state.folders[f.path] = {
      environment: f.environment,
      namespace: f.namespace,
      service: f.service,
      path: f.path,
      tree: f.tree,
      result,
      revision,
      appliedRevision: ok ? revision : prev?.appliedRevision,
      message: ok && same ? prev.message : message,
      updatedAt:
        same && !changed
          ? prev.updatedAt
          : new Date(this.options.now()).toISOString(),
    };
    if (!DNS1123_LABEL.test(f.environment)) return undefined;
    if (
      !changed &&
      this.state.reported[f.path] === this.signature(f.path, ok, message)
    ) {
      return undefined;
    }
    return {
      environment: f.environment,
      namespace: f.namespace,
      service: f.service,
      path: f.path,
      revision,
      ok,
      message,
      reason,
    };
  }

  /** Posts the outcome to the release manager; a failed post is retried on the next pass. */
  async report(o: ApplyOutcome): Promise<void> {
    const { reporter, logger, clusterName } = this.options;
    const r = await postFluxEvent(
      reporter,
      o.environment,
      fluxEvent(o, clusterName),
    );
    if (r.result === 'failed') {
      logger.warn(
        `could not report ${o.path} to the release manager (will retry): ${r.detail}`,
      );
      return;
    }
    if (r.result === 'rejected') {
      logger.warn(
        `the release manager rejected the event of ${o.path}: ${r.detail}`,
      );
    }
    this.state.reported[o.path] = this.signature(o.path, o.ok, o.message);
  }

  private signature(folderPath: string, ok: boolean, message: string) {
    const tree = this.state.folders[folderPath]?.tree;
    return ok ? `${tree}|ok` : `${tree}|error|${message}`;
  }
}
