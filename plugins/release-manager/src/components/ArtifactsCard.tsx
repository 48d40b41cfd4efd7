import {
  EmptyState,
  Link,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { Box, Button } from '@material-ui/core';
import {
  ArtifactWithLinks,
  findRefusingBranchRestriction,
  testResults,
  countVulnerabilities,
} from '@slipway/plugin-release-manager-common';
import {
  ArtifactId,
  RelativeTime,
  Secondary,
  ShortSha,
  WithReason,
} from './common';
import { CardProps, usePlanner } from '../hooks/usePlanner';

/**
 * The Latest artifacts card of the Releases tab: each artifact with its commit, CI job,
 * test and vulnerability counts, and a Deploy button per environment (disabled, with the
 * reason, where it already runs or a branch restriction refuses its branch).
 */
export function ArtifactsCard(props: CardProps) {
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
        const v = countVulnerabilities(a);
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
            const restriction = findRefusingBranchRestriction(
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
