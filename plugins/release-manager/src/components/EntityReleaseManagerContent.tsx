import {
  InfoCard,
  Link,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
  EmptyState,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  CompoundEntityRef,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, Grid, Tab, Tabs } from '@material-ui/core';
import {
  ArtifactWithLinks,
  EnvironmentReleaseStatus,
  findBranchRestriction,
  isReleaseManagerAvailable,
  previousEnvironment,
  RELEASE_MANAGER_SERVICE_ANNOTATION,
  releaseManagerPolicyUpdatePermission,
  releaseManagerReleaseCreatePermission,
  ReleaseWithLinks,
  testResults,
  vulnerabilities,
} from '@slipway/plugin-release-manager-common';
import { useState } from 'react';
import { releaseManagerApiRef } from '../api/ReleaseManagerApi';
import {
  ReleaseManagerData,
  useReleaseManagerData,
} from '../hooks/useReleaseData';
import {
  ArtifactId,
  RelativeTime,
  Secondary,
  ShortSha,
  WithReason,
} from './common';
import { EnvironmentsTable, RolloutProblems } from './EnvironmentsTable';
import { PoliciesCard } from './PoliciesCard';
import {
  commitsBetween,
  DialogArtifact,
  ReleaseDialog,
  ReleasePlan,
} from './ReleaseDialog';

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

const DONE = {
  Deploy: 'Released',
  Promote: 'Promoted',
  'Roll back': 'Rolled back to',
} as const;

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

type CardProps = {
  data: ReleaseManagerData;
  entityRef: CompoundEntityRef;
  /** Why the user may not release (undefined: they may). */
  releaseReason?: string;
  onPlan: (plan: ReleasePlan) => void;
};

/** Looks up an artifact by id in the artifacts list, or in an environment's history. */
function artifactById(data: ReleaseManagerData, id?: string) {
  if (!id) return undefined;
  const fromList = data.artifacts.artifacts.find(a => a.id === id);
  if (fromList) return fromList as DialogArtifact;
  for (const h of Object.values(data.history)) {
    const r = h.releases.find(x => x.artifact.id === id);
    if (r) return r.artifact as DialogArtifact;
  }
  return { id };
}

/** Builds the plan of a release of `toId` to `environment`. */
function usePlanner(props: CardProps) {
  const api = useApi(releaseManagerApiRef);
  const alertApi = useApi(alertApiRef);
  const { data, entityRef } = props;
  return (
    action: 'Deploy' | 'Promote' | 'Roll back',
    environment: string,
    toId: string,
  ): ReleasePlan => {
    const env = data.status.environments.find(e => e.name === environment);
    const to = artifactById(data, toId)!;
    const between = commitsBetween(data.artifacts.artifacts, env?.tag, toId);
    return {
      action,
      environment,
      from: artifactById(data, env?.tag),
      to,
      commits: between.commits,
      removes: between.removes,
      restriction: findBranchRestriction(
        data.policies.branchRestrictions,
        environment,
        to.application?.branch,
      ),
      run: async () => {
        if (action === 'Promote') await api.promote(entityRef, environment);
        else if (action === 'Roll back')
          await api.rollback(entityRef, environment, toId);
        else await api.release(entityRef, environment, toId);
        alertApi.post({
          message: `${DONE[action]} ${toId} ${
            action === 'Roll back' ? 'in' : 'to'
          } ${environment}`,
          severity: 'success',
          display: 'transient',
        });
      },
    };
  };
}

function EnvironmentsCard(props: CardProps) {
  const { data, releaseReason, onPlan } = props;
  const plan = usePlanner(props);
  const order = data.status.environments.map(e => e.name);

  const actions = (env: EnvironmentReleaseStatus) => {
    const from = previousEnvironment(order, env.name);
    const source = data.status.environments.find(e => e.name === from);
    let promoteReason = releaseReason;
    if (!promoteReason && from && !source?.tag) {
      promoteReason = `Nothing runs in ${from}`;
    } else if (!promoteReason && from && source?.tag === env.tag) {
      promoteReason = `${env.name} already runs what ${from} runs`;
    }
    const previous = data.history[env.name]?.releases.find(
      r => r.artifact.id !== env.tag,
    );
    const rollbackReason =
      releaseReason ??
      (previous ? undefined : `No earlier release in ${env.name}`);
    return (
      <Box display="flex" style={{ gap: 8 }} justifyContent="flex-end">
        {from && (
          <WithReason reason={promoteReason}>
            <Button
              size="small"
              variant="outlined"
              style={{ whiteSpace: 'nowrap' }}
              disabled={Boolean(promoteReason)}
              onClick={() => onPlan(plan('Promote', env.name, source!.tag!))}
            >
              Promote from {from}
            </Button>
          </WithReason>
        )}
        <WithReason reason={rollbackReason}>
          <Button
            size="small"
            variant="outlined"
            style={{ whiteSpace: 'nowrap' }}
            disabled={Boolean(rollbackReason)}
            onClick={() =>
              onPlan(plan('Roll back', env.name, previous!.artifact.id))
            }
          >
            Roll back
          </Button>
        </WithReason>
      </Box>
    );
  };

  return (
    <InfoCard title="Environments" noPadding>
      <EnvironmentsTable
        environments={data.status.environments}
        actions={actions}
      />
      <Box px={2}>
        <RolloutProblems environments={data.status.environments} />
      </Box>
    </InfoCard>
  );
}

function ArtifactsCard(props: CardProps) {
  const { data, releaseReason, onPlan } = props;
  const plan = usePlanner(props);
  const environments = data.status.environments;

  const columns: TableColumn<ArtifactWithLinks>[] = [
    {
      title: 'Artifact',
      render: a => (
        <>
          <ArtifactId id={a.id} />
          <Box>
            <Secondary>
              {a.application?.message?.split('\n')[0] ?? ''}
            </Secondary>
          </Box>
        </>
      ),
    },
    {
      title: 'Commit',
      render: a => (
        <>
          {a.application?.branch ?? '—'}
          <Box>
            <Secondary>
              <ShortSha sha={a.application?.sha} url={a.commitUrl} />
              {a.application?.authorName
                ? ` · ${a.application.authorName}`
                : ''}
            </Secondary>
          </Box>
        </>
      ),
    },
    {
      title: 'CI',
      render: a => (
        <>
          {a.ci?.jobUrl ? <Link to={a.ci.jobUrl}>job</Link> : '—'}
          {a.ci?.end && (
            <Box>
              <Secondary>
                <RelativeTime iso={a.ci.end} />
              </Secondary>
            </Box>
          )}
        </>
      ),
    },
    {
      title: 'Checks',
      render: a => {
        const t = testResults(a);
        const v = vulnerabilities(a);
        return (
          <span style={{ whiteSpace: 'nowrap' }}>
            {t
              ? `${t.passed} passed${t.failed ? `, ${t.failed} failed` : ''}`
              : 'no tests'}
            <Box>
              <Secondary>
                {v
                  ? `${v.high} high · ${v.medium} medium · ${v.low} low`
                  : 'no scan'}
              </Secondary>
            </Box>
          </span>
        );
      },
    },
    {
      title: 'Deploy',
      render: a => (
        <Box display="flex" style={{ gap: 4 }}>
          {environments.map(env => {
            const restriction = findBranchRestriction(
              data.policies.branchRestrictions,
              env.name,
              a.application?.branch,
            );
            let reason = releaseReason;
            if (!reason && env.tag === a.id) {
              reason = `Already runs in ${env.name}`;
            } else if (!reason && restriction) {
              reason = `Branch restriction ${restriction.id}: ${env.name} only accepts branches matching ${restriction.branchRegex}`;
            }
            return (
              <WithReason key={env.name} reason={reason}>
                <Button
                  size="small"
                  variant="outlined"
                  color="primary"
                  style={{ whiteSpace: 'nowrap', minWidth: 0 }}
                  aria-label={`Deploy ${a.id} to ${env.name}`}
                  disabled={Boolean(reason)}
                  onClick={() => onPlan(plan('Deploy', env.name, a.id))}
                >
                  {env.name}
                </Button>
              </WithReason>
            );
          })}
        </Box>
      ),
    },
  ];

  return (
    <Table
      title="Latest artifacts"
      options={{
        paging: false,
        search: false,
        sorting: false,
        draggable: false,
        padding: 'dense',
      }}
      columns={columns}
      data={data.artifacts.artifacts}
      emptyContent={
        <Box p={2}>
          <EmptyState
            missing="data"
            title="No artifacts yet"
            description="CI uploads an artifact for every build (slipway-release-manager artifact push)."
          />
        </Box>
      }
    />
  );
}

function HistoryCard(props: CardProps) {
  const { data, releaseReason, onPlan } = props;
  const plan = usePlanner(props);
  const names = data.status.environments.map(e => e.name);
  const [tab, setTab] = useState(0);
  const environment = names[tab];
  const current = data.status.environments[tab]?.tag;
  const releases = data.history[environment]?.releases ?? [];

  const columns: TableColumn<ReleaseWithLinks>[] = [
    { title: 'When', render: r => <RelativeTime iso={r.releasedAt} /> },
    {
      title: 'Artifact',
      render: r => (
        <>
          <ArtifactId id={r.artifact.id} />
          <Box>
            <Secondary>
              {r.artifact.application?.message?.split('\n')[0] ?? ''}
            </Secondary>
          </Box>
        </>
      ),
    },
    {
      title: 'Commit',
      render: r => (
        <ShortSha
          sha={r.artifact.application?.sha}
          url={r.artifact.commitUrl}
        />
      ),
    },
    {
      title: 'By',
      render: r => (
        <>
          <span style={{ whiteSpace: 'nowrap' }}>
            {r.releasedByName || r.releasedByEmail}
          </span>
          <Box>
            <Secondary>{r.intent}</Secondary>
          </Box>
        </>
      ),
    },
    {
      title: '',
      render: r =>
        r.artifact.id === current ? (
          <Secondary>running</Secondary>
        ) : (
          <WithReason reason={releaseReason}>
            <Button
              size="small"
              variant="outlined"
              style={{ whiteSpace: 'nowrap' }}
              disabled={Boolean(releaseReason)}
              onClick={() =>
                onPlan(plan('Roll back', environment, r.artifact.id))
              }
            >
              Roll back to this
            </Button>
          </WithReason>
        ),
    },
  ];

  return (
    <InfoCard title="Release history" noPadding>
      <Tabs
        value={tab}
        onChange={(_, v) => setTab(v)}
        indicatorColor="primary"
        aria-label="environment"
      >
        {names.map(n => (
          <Tab key={n} label={n} />
        ))}
      </Tabs>
      <Table
        options={{
          paging: false,
          search: false,
          sorting: false,
          draggable: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={releases}
        emptyContent={
          <Box p={2}>
            <Secondary>
              Nothing has been released to {environment} yet.
            </Secondary>
          </Box>
        }
      />
    </InfoCard>
  );
}
