import { useState } from 'react';
import { Box, Button, Divider, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ON_CALL_SCHEDULE_ANNOTATION } from '@slipway/plugin-on-call-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { onCallApiRef } from '../../api';
import { isOnCallAvailable } from '../../conditions';
import { OnCallLevels } from './OnCallLevels';
import { IncidentList } from './IncidentList';
import { TriggerIncidentDialog } from './TriggerIncidentDialog';

/** Props of {@link EntityOnCallCard}. */
export interface EntityOnCallCardProps {
  /** Card title; default "On call". */
  title?: string;
}

const PROVIDER_NAMES = {
  embedded: 'Embedded schedule',
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
};

function OnCallCardContent(props: { entity: Entity; title: string }) {
  const { entity, title } = props;
  const api = useApi(onCallApiRef);
  const entityRef = stringifyEntityRef(entity);
  const onCall = useAsyncRetry(
    () => api.getOnCall(entityRef),
    [api, entityRef],
  );
  const incidents = useAsyncRetry(
    () => api.listIncidents(entityRef),
    [api, entityRef],
  );
  const [dialogOpen, setDialogOpen] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();

  const pagedName = onCall.value?.levels[0]?.now[0]?.person.name;
  const schedule = onCall.value?.schedule;
  const subheader = schedule ? (
    <>
      {PROVIDER_NAMES[onCall.value!.provider]}:{' '}
      {schedule.url ? (
        <Link to={schedule.url}>{schedule.name}</Link>
      ) : (
        schedule.name
      )}
      {schedule.timeZone ? ` (${schedule.timeZone})` : ''}
    </>
  ) : undefined;

  return (
    <InfoCard
      title={title}
      subheader={subheader}
      variant="gridItem"
      action={
        <Box mt={1} mr={1}>
          <Button
            variant="contained"
            color="secondary"
            onClick={() => setDialogOpen(true)}
          >
            Trigger incident
          </Button>
        </Box>
      }
    >
      {notice && (
        <Alert
          severity="success"
          onClose={() => setNotice(undefined)}
          style={{ marginBottom: 8 }}
        >
          {notice}
        </Alert>
      )}
      {onCall.loading && <Progress />}
      {onCall.error && (
        <ResponseErrorPanel
          error={onCall.error}
          title="Could not load who is on call"
        />
      )}
      {onCall.value && <OnCallLevels onCall={onCall.value} />}

      <Box mt={2} mb={1}>
        <Divider />
      </Box>
      <Typography variant="overline" component="h3">
        Open incidents
        {incidents.value ? ` (${incidents.value.items.length})` : ''}
      </Typography>
      {incidents.loading && !incidents.value && <Progress />}
      {incidents.error && (
        <ResponseErrorPanel
          error={incidents.error}
          title="Could not load incidents"
        />
      )}
      {incidents.value && (
        <IncidentList
          incidents={incidents.value.items}
          onChanged={incidents.retry}
        />
      )}

      <TriggerIncidentDialog
        open={dialogOpen}
        entityRef={entityRef}
        entityTitle={entity.metadata.title ?? entity.metadata.name}
        pagedName={pagedName}
        onClose={() => setDialogOpen(false)}
        onTriggered={result => {
          setDialogOpen(false);
          setNotice(
            result.message ?? `Incident "${result.incident.title}" triggered.`,
          );
          incidents.retry();
        }}
      />
    </InfoCard>
  );
}

/**
 * Who is on call for the current entity (every escalation level: name, e-mail, until
 * when, and who is next), its open incidents, and a Trigger incident button. Entities
 * without an on-call annotation get the missing-annotation state.
 *
 * @public
 */
export function EntityOnCallCard(props: EntityOnCallCardProps) {
  const { entity } = useEntity();
  const title = props.title ?? 'On call';
  if (!isOnCallAvailable(entity)) {
    return (
      <InfoCard title={title} variant="gridItem">
        <MissingAnnotationEmptyState annotation={ON_CALL_SCHEDULE_ANNOTATION} />
      </InfoCard>
    );
  }
  return <OnCallCardContent entity={entity} title={title} />;
}
