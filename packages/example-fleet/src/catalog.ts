import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { REPO_DIR } from './paths';

/** A person of a team, from a catalog `User` entity (`spec.profile`). */
export interface TeamMember {
  name: string;
  email: string;
}

/**
 * An example service of the Slipway catalog (`examples/components/<name>.yaml`), with
 * what the fleet needs from its catalog entity and its owning group's users.
 */
export interface ExampleService {
  /** Release-manager service name (`slipway.dev/release-manager-service`, else `metadata.name`). */
  name: string;
  /** Owning team: `spec.owner` without its `group:` prefix. */
  team: string;
  /** Kubernetes namespace: the `slipway.dev/release-manager-namespace` annotation. */
  namespace: string;
  /** The first language tag (`go`, `kotlin`, `python`, `typescript`, `java`), else `go`. */
  language: string;
  /** `metadata.title`, else the name. */
  title: string;
  /** Members of the owning team (`User` entities whose `spec.memberOf` names it); at least one. */
  people: TeamMember[];
}

const LANGUAGES = ['go', 'kotlin', 'python', 'typescript', 'java'];

const componentSchema = z.object({
  kind: z.literal('Component'),
  metadata: z.object({
    name: z.string(),
    title: z.string().optional(),
    tags: z.array(z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.object({ type: z.string(), owner: z.string() }),
});

const userSchema = z.object({
  kind: z.literal('User'),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    profile: z
      .object({
        displayName: z.string().optional(),
        email: z.string().optional(),
      })
      .optional(),
    memberOf: z.array(z.string()).optional(),
  }),
});

function documents(file: string): unknown[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJS());
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => path.join(dir, f));
}

/**
 * Reads the example services from a Backstage catalog folder laid out like the
 * repository's `examples/`: `components/*.yaml` (Components of `spec.type: service`
 * with a `slipway.dev/release-manager-namespace` annotation) and `*.yaml` at the top
 * (the `User` entities of `org.yaml`). Sorted by name.
 *
 * @throws Error when a service has no namespace annotation or no owner
 */
export function readExampleServices(examplesDir: string): ExampleService[] {
  const people = new Map<string, TeamMember[]>();
  for (const file of yamlFiles(examplesDir)) {
    for (const doc of documents(file)) {
      const user = userSchema.safeParse(doc);
      if (!user.success) continue;
      const p = user.data.spec.profile;
      const member = {
        name: p?.displayName ?? user.data.metadata.name,
        email: p?.email ?? `${user.data.metadata.name}@slipway.dev`,
      };
      for (const group of user.data.spec.memberOf ?? []) {
        const team = group.replace(/^group:/, '').replace(/^default\//, '');
        people.set(team, [...(people.get(team) ?? []), member]);
      }
    }
  }
  const services: ExampleService[] = [];
  for (const file of yamlFiles(path.join(examplesDir, 'components'))) {
    for (const doc of documents(file)) {
      const parsed = componentSchema.safeParse(doc);
      if (!parsed.success || parsed.data.spec.type !== 'service') continue;
      const { metadata, spec } = parsed.data;
      const annotations = metadata.annotations ?? {};
      const namespace = annotations['slipway.dev/release-manager-namespace'];
      if (!namespace) {
        throw new Error(
          `${file}: ${metadata.name} has no slipway.dev/release-manager-namespace annotation`,
        );
      }
      const team = spec.owner.replace(/^group:/, '').replace(/^default\//, '');
      const name =
        annotations['slipway.dev/release-manager-service'] ?? metadata.name;
      services.push({
        name,
        team,
        namespace,
        language: metadata.tags?.find(t => LANGUAGES.includes(t)) ?? 'go',
        title: metadata.title ?? name,
        people: people.get(team)?.length
          ? people.get(team)!
          : [{ name: `${team} CI`, email: `${team}@slipway.dev` }],
      });
    }
  }
  return services.sort((a, b) => a.name.localeCompare(b.name));
}

/** The repository's `examples/` folder (this package lives in `packages/example-fleet`). */
export const DEFAULT_EXAMPLES_DIR = path.join(REPO_DIR, 'examples');
