import { InfoCard } from '@backstage/core-components';
import { Box, Button } from '@material-ui/core';
import {
  EnvironmentReleaseStatus,
  previousEnvironment,
} from '@slipway/plugin-release-manager-common';
import { AutoReleasePausedChip } from './AutoReleasePausedChip';
import { WithReason } from './common';
import { FrozenChip } from './FrozenChip';
import { EnvironmentsTable, RolloutProblems } from './EnvironmentsTable';
import { CardProps, usePlanner } from '../hooks/usePlanner';

/**
 * The Environments card of the Releases tab: what runs in each environment with its
 * rollout (failing pods with their last log lines), and per environment Promote (from
 * the environment before it) and Roll back (to the release before the running one).
 * Under each environment's name: "frozen until <time> (<reason>)" while a freeze window
 * is active, and "auto-release paused" (after an automatic rollback) with a Resume
 * button that calls the resume route and then `onChanged` (a refresh).
 */
export function EnvironmentsCard(
  props: CardProps & { onChanged?: () => void },
) {
  const { data, releaseReason, onPlan, entityRef, onChanged } = props;
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
        badges={env => (
          <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
            <FrozenChip
              windows={data.freezes?.freezeWindows}
              environment={env.name}
            />
            {env.autoReleasePaused && (
              <AutoReleasePausedChip
                entityRef={entityRef}
                environment={env.name}
                pause={env.autoReleasePaused}
                resumeReason={releaseReason}
                onResumed={() => onChanged?.()}
              />
            )}
          </Box>
        )}
      />
      <Box px={2}>
        <RolloutProblems environments={data.status.environments} />
      </Box>
    </InfoCard>
  );
}
