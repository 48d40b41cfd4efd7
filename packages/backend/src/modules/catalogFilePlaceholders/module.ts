import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { textPlaceholderResolver } from './resolver';

/**
 * Lets entities in `file` locations use `$text` with a path relative to their file (the
 * example APIs' specs, and the services the golden-path template creates in local git
 * repositories). See {@link textPlaceholderResolver}.
 */
export const catalogModuleFilePlaceholders = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'file-placeholders',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addPlaceholderResolver('text', textPlaceholderResolver);
      },
    });
  },
});
