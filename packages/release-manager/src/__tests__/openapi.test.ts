import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { Running, start } from '../__testUtils__/helpers';
import { createRouter } from '../http/router';

describe('openapi.yaml', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start();
  });
  afterAll(async () => {
    await rm.stop();
  });

  it('describes exactly the routes the server has', async () => {
    const spec = YAML.parse(
      fs.readFileSync(path.resolve(__dirname, '../../openapi.yaml'), 'utf8'),
    );
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries<Record<string, unknown>>(
      spec.paths,
    )) {
      for (const method of Object.keys(ops))
        documented.add(`${method.toUpperCase()} ${p}`);
    }
    const router: any = await createRouter({ manager: rm.manager });
    const served = new Set<string>();
    for (const layer of router.stack) {
      if (!layer.route) continue;
      const p = (layer.route.path as string).replace(/:([A-Za-z]+)/g, '{$1}');
      for (const method of Object.keys(layer.route.methods))
        served.add(`${method.toUpperCase()} ${p}`);
    }
    expect([...served].sort()).toEqual([...documented].sort());
    // Every $ref resolves.
    const text = JSON.stringify(spec);
    for (const m of text.matchAll(
      /"\$ref":"#\/components\/([a-zA-Z]+)\/([A-Za-z]+)"/g,
    )) {
      expect(spec.components[m[1]]?.[m[2]]).toBeDefined();
    }
  });
});
