import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { SinceYesterdayCard } from './SinceYesterdayCard';

/**
 * The home page's "recent releases": what happened since yesterday to the services
 * of the signed-in user's teams (the groups among their ownership refs).
 */
export function HomePageSinceYesterdayCard() {
  const identityApi = useApi(identityApiRef);
  const { value: groups, loading } = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    return ownershipEntityRefs.filter(r => r.startsWith('group:'));
  }, [identityApi]);
  if (loading)
    return (
      <InfoCard title="Since yesterday">
        <Progress />
      </InfoCard>
    );
  if (!groups?.length)
    return (
      <InfoCard title="Since yesterday">
        <EmptyState
          missing="data"
          title="No team"
          description="You belong to no team in the catalog, so there are no team releases to show."
        />
      </InfoCard>
    );
  return (
    <SinceYesterdayCard
      entityRefs={groups}
      title="Since yesterday in your team"
    />
  );
}
