import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  isReleaseManagerAvailable,
  RELEASE_MANAGER_SERVICE_ANNOTATION,
} from '@slipway/plugin-release-manager-common';
import { useReleaseStatus } from '../hooks/useReleaseData';
import { EnvironmentsTable } from './EnvironmentsTable';

/**
 * Overview card: what runs in each environment (dev, staging, prod), from which branch
 * and commit, who released it and when, and the rollout light. Refreshes itself while
 * a rollout is in progress.
 */
export function EntityReleaseStatusCard() {
  const { entity } = useEntity();
  if (!isReleaseManagerAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={RELEASE_MANAGER_SERVICE_ANNOTATION}
      />
    );
  }
  return <StatusCard />;
}

function StatusCard() {
  const { entity } = useEntity();
  const ref = getCompoundEntityRef(entity);
  const entityRoute = useRouteRef(entityRouteRef);
  const { value, loading, error } = useReleaseStatus(ref);
  return (
    <InfoCard
      title="Releases"
      subheader={value ? `release-manager service ${value.service}` : undefined}
      deepLink={{
        title: 'All releases',
        link: `${entityRoute({
          namespace: ref.namespace,
          kind: ref.kind.toLocaleLowerCase('en-US'),
          name: ref.name,
        })}/releases`,
      }}
      noPadding
    >
      {loading && !value && <Progress />}
      {error && !value && <ResponseErrorPanel error={error} />}
      {value && <EnvironmentsTable environments={value.environments} compact />}
    </InfoCard>
  );
}
