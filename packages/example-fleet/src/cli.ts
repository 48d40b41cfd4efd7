/* eslint-disable no-console */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_EXAMPLES_DIR, readExampleServices } from './catalog';
import { buildsOf } from './builds';
import { ensureImages } from './images';
import { startLoad } from './load';
import { FleetReleaseManager } from './releaseManager';
import { up } from './up';
import { fleetArtifacts } from './fleet';
import { REPO_DIR } from './paths';

const DEV_TOKEN = 'slipway-dev-token';

const USAGE = `Usage: slipway-example-fleet <command> [options]

Commands:
  images [--examples <dir>] [--build-dir <dir>]
      Builds the demo workload (Go, static) and one image FROM scratch, and tags it
      localhost/slipway/<service>:<sha10> for every artifact of the fleet (podman;
      CONTAINERS_CONF is passed through). Skips what exists.
  up [--url <url>] [--token <token>] [--examples <dir>]
      Uploads the example services' artifacts to the release manager and releases them
      to dev, staging and prod (history once; resumes on an existing data folder).
      Writes $SLIPWAY_DATA/example-fleet/fleet.json.
  load [--targets <file_sd.json>] [--rps <min>,<max>]
      Sends steady traffic to every ready pod of every service and environment
      (default targets: $SLIPWAY_DATA/local-cluster/file_sd/pods.json; 2,5 req/s).
  list [--examples <dir>]
      Prints every artifact of the fleet as JSON (id, image, branch, bad kind, where it runs).

--url defaults to RELEASE_MANAGER_URL or http://localhost:7100; --token to
RELEASE_MANAGER_TOKEN or ${DEV_TOKEN}; $SLIPWAY_DATA to .data at the repository root.
`;

function dataDir(): string {
  return process.env.SLIPWAY_DATA ?? path.join(REPO_DIR, '.data');
}

const log = (m: string) => console.log(`${new Date().toISOString()} ${m}`);

/**
 * Runs the `slipway-example-fleet` CLI with `argv` (without node and script).
 * @returns the exit code; `load` resolves only when it is stopped (SIGTERM/SIGINT)
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      examples: { type: 'string' },
      'build-dir': { type: 'string' },
      targets: { type: 'string' },
      rps: { type: 'string' },
    },
  });
  const services = () =>
    readExampleServices(values.examples ?? DEFAULT_EXAMPLES_DIR);
  if (command === 'list') {
    console.log(JSON.stringify(fleetArtifacts(services()), null, 2));
    return 0;
  }
  if (command === 'images') {
    const images = services().flatMap(s => buildsOf(s).all.map(b => b.image));
    const res = await ensureImages({
      images,
      buildDir:
        values['build-dir'] ?? path.join(dataDir(), 'example-fleet', 'build'),
      containersConf: process.env.CONTAINERS_CONF,
      log,
    });
    log(
      `images: ${images.length} artifact images from ${res.base} (${
        res.builtBase ? 'built now' : 'existed'
      }; ${res.tagged.length} tagged now)`,
    );
    return 0;
  }
  if (command === 'up') {
    const releaseManager = new FleetReleaseManager({
      baseUrl:
        values.url ??
        process.env.RELEASE_MANAGER_URL ??
        'http://localhost:7100',
      token: values.token ?? process.env.RELEASE_MANAGER_TOKEN ?? DEV_TOKEN,
    });
    const list = services();
    const results = await up({ services: list, releaseManager, log });
    const out = path.join(dataDir(), 'example-fleet', 'fleet.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(
      out,
      `${JSON.stringify(
        { updatedAt: new Date().toISOString(), services: results },
        null,
        2,
      )}\n`,
    );
    const seeded = results.filter(r => r.seededHistory).length;
    log(
      `up: ${results.length} services (${seeded} with history seeded now, ${
        results.length - seeded
      } resumed), ${results.reduce(
        (n, r) => n + r.releases,
        0,
      )} releases; see ${out}`,
    );
    return 0;
  }
  if (command === 'load') {
    let rps: [number, number] | undefined;
    if (values.rps) {
      const [a, b] = values.rps.split(',').map(Number);
      if (!(a > 0) || !(b >= a)) {
        console.error(
          '--rps must be <min>,<max> requests per second, e.g. 2,5',
        );
        return 1;
      }
      rps = [a, b];
    }
    const targetsFile =
      values.targets ??
      path.join(dataDir(), 'local-cluster', 'file_sd', 'pods.json');
    log(`load: targets from ${targetsFile}`);
    const running = startLoad({ targetsFile, rps, log });
    await new Promise<void>(resolve => {
      const stop = () => {
        log('load: stopping');
        running.stop().then(resolve, resolve);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  }
  console.log(USAGE);
  return command && command !== 'help' && command !== '--help' ? 1 : 0;
}
