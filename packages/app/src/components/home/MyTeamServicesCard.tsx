import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  EmptyState,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  EntityRefLinks,
  entityRouteRef,
  getEntityRelations,
} from '@backstage/plugin-catalog-react';
import { useRouteRef } from '@backstage/core-plugin-api';
import { List, ListItem, ListItemText } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { RELATION_OWNED_BY, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * Home-page card: the services (catalog Components of type `service`) owned by the
 * signed-in user or by any of the teams they belong to (their ownership entity refs).
 */
export function MyTeamServicesCard() {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const entityRoute = useRouteRef(entityRouteRef);

  const { value, loading, error } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'Component',
        'spec.type': 'service',
        'relations.ownedBy': ownershipEntityRefs,
      },
      fields: ['kind', 'metadata', 'spec', 'relations'],
    });
    return items.sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    );
  }, [identityApi, catalogApi]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;

  return (
    <InfoCard
      title="My team's services"
      deepLink={{ title: 'All services', link: '/catalog?filters[kind]=component' }}
    >
      {value!.length === 0 ? (
        <EmptyState
          missing="data"
          title="No services yet"
          description="Neither you nor your teams own a service in the catalog. Create one from the golden-path template."
          action={<Link to="/create">Create a service</Link>}
        />
      ) : (
        <List dense>
          {value!.map(entity => (
            <ListItem key={stringifyEntityRef(entity)}>
              <ListItemText
                primary={
                  <Link
                    to={entityRoute({
                      kind: 'component',
                      namespace: entity.metadata.namespace ?? 'default',
                      name: entity.metadata.name,
                    })}
                  >
                    {entity.metadata.title ?? entity.metadata.name}
                  </Link>
                }
                secondary={
                  <>
                    {entity.metadata.description}
                    {' · '}
                    <EntityRefLinks
                      entityRefs={getEntityRelations(entity, RELATION_OWNED_BY)}
                      defaultKind="group"
                    />
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
