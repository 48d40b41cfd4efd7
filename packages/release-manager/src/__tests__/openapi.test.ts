import { Running, start } from '../__testUtils__/helpers';
import { loadOpenApi } from '../__testUtils__/openapi';
import { createRouter } from '../http/router';

describe('the OpenAPI document (release-manager-common src/schema/openapi.yaml)', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start();
  });
  afterAll(async () => {
    await rm.stop();
  });

  it('describes exactly the routes the server has', async () => {
    const spec = loadOpenApi();
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
