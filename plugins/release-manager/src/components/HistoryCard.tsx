import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { Box, Button, Tab, Tabs } from '@material-ui/core';
import { ReleaseWithLinks } from '@slipway/plugin-release-manager-common';
import { useState } from 'react';
import {
  ArtifactId,
  RelativeTime,
  Secondary,
  ShortSha,
  WithReason,
} from './common';
import { CardProps, usePlanner } from '../hooks/usePlanner';
import { ReleaseMarkers } from './ReleaseMarkers';

/**
 * The Release history card of the Releases tab: one tab per environment with its
 * releases, newest first, and Roll back to this on every release that is not running.
 * Releases that broke glass, overrode gates or were automatic rollbacks say so, with
 * the reason.
 */
export function HistoryCard(props: CardProps) {
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
          <ReleaseMarkers release={r} />
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
