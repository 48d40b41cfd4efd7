import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  BatchHealthItem,
  HealthLight as Light,
} from '@slipway/plugin-service-health-common';
import { List, ListItem, ListItemIcon, ListItemText } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { serviceHealthApiRef } from '../api';
import { HealthLight } from './HealthLight';

const order: Record<Light, number> = { red: 0, amber: 1, grey: 2, green: 3 };

/**
 * Home-page card: the health light of every service (Components of type `service`)
 * owned by the signed-in user or their teams, worst first, in one batch call.
 *
 * @public
 */
export function HomePageServiceHealthCard(props: { title?: string }) {
  const { title = "My team's service health" } = props;
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const healthApi = useApi(serviceHealthApiRef);
  const entityRoute = useRouteRef(entityRouteRef);

  const { value, loading, error } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'Component',
        'spec.type': 'service',
        'relations.ownedBy': ownershipEntityRefs,
      },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    const health = await healthApi.getHealthBatch(
      items.map(e => stringifyEntityRef(e)),
    );
    const byRef = new Map(health.map(h => [h.entityRef, h]));
    return items
      .map(entity => ({ entity, item: byRef.get(stringifyEntityRef(entity)) }))
      .sort(
        (a, b) =>
          order[a.item?.health?.light ?? 'grey'] -
            order[b.item?.health?.light ?? 'grey'] ||
          a.entity.metadata.name.localeCompare(b.entity.metadata.name),
      );
  }, [identityApi, catalogApi, healthApi]);

  if (loading) {
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title={title}>
        <ResponseErrorPanel error={error} />
      </InfoCard>
    );
  }
  if (value!.length === 0) {
    return (
      <InfoCard title={title}>
        <EmptyState
          missing="data"
          title="No services"
          description="Neither you nor your teams own a service in the catalog."
        />
      </InfoCard>
    );
  }
  const link = (entity: Entity) =>
    entityRoute({
      kind: 'component',
      namespace: entity.metadata.namespace ?? 'default',
      name: entity.metadata.name,
    });
  const describe = (item?: BatchHealthItem) =>
    item?.health?.summary ??
    `health unavailable: ${item?.error ?? 'no answer'}`;
  return (
    <InfoCard title={title}>
      <List dense>
        {value!.map(({ entity, item }) => (
          <ListItem key={stringifyEntityRef(entity)}>
            <ListItemIcon style={{ minWidth: 32 }}>
              <HealthLight light={item?.health?.light ?? 'grey'} />
            </ListItemIcon>
            <ListItemText
              primary={
                <Link to={link(entity)}>
                  {entity.metadata.title ?? entity.metadata.name}
                </Link>
              }
              secondary={describe(item)}
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
