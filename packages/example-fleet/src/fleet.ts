import { ExampleService } from './catalog';
import { buildsOf } from './builds';
import { currentBuilds } from './up';

/** One artifact of the fleet, as `slipway-example-fleet list` prints it. */
export interface FleetArtifact {
  service: string;
  id: string;
  branch: string;
  image: string;
  message: string;
  /** Set on the artifacts that are bad on purpose: `errors` (8 % 5xx), `crash`, `slow-ready`. */
  bad?: string;
  /** Environments this artifact runs in once `up` has seeded a fresh release manager. */
  currentIn: string[];
}

/** Every artifact of every service, in upload order, with what runs where after `up`. */
export function fleetArtifacts(services: ExampleService[]): FleetArtifact[] {
  const out: FleetArtifact[] = [];
  for (const s of services) {
    const b = buildsOf(s);
    const current = currentBuilds(b, s.name);
    for (const a of b.all) {
      out.push({
        service: s.name,
        id: a.id,
        branch: a.branch,
        image: a.image,
        message: a.message,
        ...(a.bad ? { bad: a.bad } : {}),
        currentIn: Object.keys(current).filter(env => current[env].id === a.id),
      });
    }
  }
  return out;
}
