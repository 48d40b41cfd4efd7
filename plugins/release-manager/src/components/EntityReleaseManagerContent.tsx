import {
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Grid } from '@material-ui/core';
import {
  isReleaseManagerAvailable,
  RELEASE_MANAGER_SERVICE_ANNOTATION,
  releaseManagerPolicyUpdatePermission,
  releaseManagerReleaseCreatePermission,
} from '@slipway/plugin-release-manager-common';
import { useState } from 'react';
import { useReleaseManagerData } from '../hooks/useReleaseData';
import { ArtifactsCard } from './ArtifactsCard';
import { EnvironmentsCard } from './EnvironmentsCard';
import { HistoryCard } from './HistoryCard';
import { PoliciesCard } from './PoliciesCard';
import { ReleaseDialog, ReleasePlan } from './ReleaseDialog';

/**
 * The Releases tab: environments with rollout details (failing pods with their last log
 * lines), the latest artifacts with a Deploy button per environment, Promote, Roll back
 * to a chosen release, the history per environment, and the policies. Every release
 * goes through a confirmation dialog. Buttons the user may not use are disabled with a
 * tooltip saying why.
 */
export function EntityReleaseManagerContent() {
  const { entity } = useEntity();
  if (!isReleaseManagerAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={RELEASE_MANAGER_SERVICE_ANNOTATION}
      />
    );
  }
  return <Content />;
}

const NOT_OWNER = 'Only the owners of this service may release it';

/** Why a button is disabled for a permission check: undefined when allowed. */
function permissionReason(
  check: { loading: boolean; allowed: boolean },
  denied: string,
): string | undefined {
  if (check.loading) return 'Checking your permissions…';
  return check.allowed ? undefined : denied;
}

function Content() {
  const { entity } = useEntity();
  const ref = getCompoundEntityRef(entity);
  const resourceRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useReleaseManagerData(ref);
  const canRelease = usePermission({
    permission: releaseManagerReleaseCreatePermission,
    resourceRef,
  });
  const canEditPolicies = usePermission({
    permission: releaseManagerPolicyUpdatePermission,
    resourceRef,
  });
  const [plan, setPlan] = useState<ReleasePlan>();

  if (loading && !value) return <Progress />;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  if (!value) return null;

  const releaseReason = permissionReason(canRelease, NOT_OWNER);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EnvironmentsCard
          data={value}
          entityRef={ref}
          releaseReason={releaseReason}
          onPlan={setPlan}
          onChanged={retry}
        />
      </Grid>
      <Grid item xs={12}>
        <ArtifactsCard
          data={value}
          entityRef={ref}
          releaseReason={releaseReason}
          onPlan={setPlan}
        />
      </Grid>
      <Grid item xs={12}>
        <HistoryCard
          data={value}
          entityRef={ref}
          releaseReason={releaseReason}
          onPlan={setPlan}
        />
      </Grid>
      <Grid item lg={6} xs={12}>
        <PoliciesCard
          entityRef={ref}
          policies={value.policies}
          freezeWindows={value.freezes?.freezeWindows}
          environments={value.status.environments.map(e => e.name)}
          editReason={permissionReason(
            canEditPolicies,
            'Only the owners of this service may change its policies',
          )}
          onChanged={retry}
        />
      </Grid>
      <ReleaseDialog
        plan={plan}
        onClose={released => {
          setPlan(undefined);
          if (released) retry();
        }}
      />
    </Grid>
  );
}
