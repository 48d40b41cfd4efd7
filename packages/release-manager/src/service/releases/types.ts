import { Actor, CommitRequest, WriteContext } from '../../git/types';
import {
  ArtifactManifests,
  ArtifactSpec,
  FreezeVerdict,
  GateResult,
  Intent,
} from '../../http/types';

/**
 * A validated release request: a known service, a configured environment, an
 * artifact id that follows the rule set (when given), and the intent.
 */
export interface ReleaseRequest {
  service: string;
  environment: string;
  /** The artifact; optional for Promote (what runs before), Rollback (the previous one) and ReleaseBranch (the newest of the branch). */
  artifactId?: string;
  intent: Intent;
  actor: Actor;
  /** Extra commit trailers (`Key: value`), e.g. an automatic rollback's reason; not settable over HTTP. */
  trailers?: Record<string, string>;
  /** Release although the environment is frozen (an owner's typed reason); see `freezeCheck`. */
  breakGlass?: { reason: string };
  /** Release although promotion gates fail (an owner's typed reason); see `gatesCheck`. */
  overrideGates?: { reason: string };
}

/** What a release overrode: set by the freeze and gates checks, recorded as trailers and events. */
export interface ReleaseSafety {
  /** The freeze the release broke (with `breakGlass`). */
  brokeFreeze?: FreezeVerdict;
  breakGlassReason?: string;
  /** The failing gates it overrode (with `overrideGates`). */
  overriddenGates?: GateResult[];
  gateOverrideReason?: string;
}

/** What to release, found by the resolve stage in the tree the commit builds on. */
export interface ResolvedRelease {
  request: ReleaseRequest;
  /** The artifact to release. */
  spec: ArtifactSpec;
  /** What runs in the environment now. */
  current?: ArtifactSpec;
  /** Promote: where the artifact comes from. */
  fromEnvironment?: string;
  /** Overrides of freezes and gates, set by the checks. */
  safety?: ReleaseSafety;
}

/**
 * A check of a resolved release, run inside the write (it sees the tree the commit
 * builds on). Throws `InputError` (400) to refuse the release. Branch restrictions
 * are one; freeze windows and promotion gates join as one check each.
 */
export type ReleaseCheck = (
  release: ResolvedRelease,
  ctx: WriteContext,
) => Promise<void>;

/** The plan of a release: the artifact's manifests for the environment, and where they go. */
export interface ReleasePlan {
  resolved: ResolvedRelease;
  /** The namespace folder the release goes to (the artifact's namespace, else the environment's name). */
  namespace: string;
  manifests: ArtifactManifests[string];
}

/** The outcome of the write: the resolved release, and the commit when one was asked for. */
export interface ReleaseWrite {
  resolved: ResolvedRelease;
  namespace?: string;
  commit?: CommitRequest;
}

/** Result of a release: the artifact and the commit (absent when nothing changed). */
export interface ReleaseResult {
  artifactId: string;
  previousArtifactId?: string;
  fromEnvironment?: string;
  commit?: string;
  /** `''` when released; `Environment is already up-to-date` when it already ran there (Lunar). */
  status: string;
  /** Freezes and gates the release overrode. */
  safety?: ReleaseSafety;
}
