import path from 'node:path';
import { ConfigSources, loadConfigSchema } from '@backstage/config-loader';
import { AppConfig, ConfigReader } from '@backstage/config';

const ROOT = path.resolve(__dirname, '../../../../../..');

/**
 * Test helper: the configuration the portal frontend receives, built as
 * `backstage-cli package start|build` builds it for the `app` package: the
 * config schema of `app` and every package it depends on (plus the root
 * package.json), then the given app-config files (relative to the repository
 * root), with `${VAR}` substituted from `env`, filtered to `@visibility frontend`.
 *
 * `extra` is merged last, as one more config file would be.
 */
export async function loadFrontendConfig(options: {
  files: string[];
  env?: Record<string, string>;
  extra?: AppConfig['data'];
}): Promise<{ frontend: ConfigReader; frontendJson: string }> {
  const schema = await loadConfigSchema({
    dependencies: ['app'],
    packagePaths: [path.join(ROOT, 'package.json')],
  });
  const source = ConfigSources.default({
    rootDir: ROOT,
    argv: options.files.flatMap(f => ['--config', path.join(ROOT, f)]),
    substitutionFunc: async name => options.env?.[name],
  });
  const abort = new AbortController();
  let configs: AppConfig[] = [];
  for await (const read of source.readConfigData({ signal: abort.signal })) {
    configs = read.configs;
    abort.abort();
    break;
  }
  if (options.extra) configs.push({ context: 'test', data: options.extra });
  const frontendConfigs = schema.process(configs, {
    visibility: ['frontend'],
    ignoreSchemaErrors: true,
  });
  return {
    frontend: ConfigReader.fromConfigs(frontendConfigs),
    frontendJson: JSON.stringify(frontendConfigs.map(c => c.data)),
  };
}
