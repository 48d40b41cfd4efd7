import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Typography } from '@material-ui/core';
import type { EntityOnCall } from '@slipway/plugin-on-call-common';
import useAsync from 'react-use/esm/useAsync';
import { onCallApiRef } from '../../api';
import { isOnCallAvailable } from '../../conditions';
import { PersonName } from '../EntityOnCallCard/OnCallLevels';
import { absoluteTime, relativeTime } from '../format';
import { errorText } from '../EntityOnCallCard/IncidentList';

interface Row {
  id: string;
  entity: Entity;
  onCall?: EntityOnCall;
  error?: string;
}

/** Props of {@link HomePageOnCallCard}. */
export interface HomePageOnCallCardProps {
  /** Card title; default "On call for your teams". */
  title?: string;
}

/**
 * Who is on call (level 1, now and until when; and who is next) for every Component
 * owned by the signed-in user or their teams (`ownershipEntityRefs`) that carries an
 * on-call annotation. One failing service shows its error in its row.
 *
 * @public
 */
export function HomePageOnCallCard(props: HomePageOnCallCardProps) {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const onCallApi = useApi(onCallApiRef);
  const title = props.title ?? 'On call for your teams';

  const { value, loading, error } = useAsync(async (): Promise<Row[]> => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    if (ownershipEntityRefs.length === 0) return [];
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Component', 'relations.ownedBy': ownershipEntityRefs },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'metadata.annotations',
      ],
    });
    const services = items
      .filter(isOnCallAvailable)
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    return Promise.all(
      services.map(async entity => {
        const id = stringifyEntityRef(entity);
        try {
          return { id, entity, onCall: await onCallApi.getOnCall(id) };
        } catch (e) {
          return { id, entity, error: errorText(e) };
        }
      }),
    );
  }, [identityApi, catalogApi, onCallApi]);

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
  if (!value || value.length === 0) {
    return (
      <InfoCard title={title}>
        <EmptyState
          missing="data"
          title="No on-call schedules for your teams' services"
          description="Services owned by your teams appear here once they carry the slipway.dev/on-call-schedule annotation (or a PagerDuty or Opsgenie one)."
        />
      </InfoCard>
    );
  }

  const columns: TableColumn<Row>[] = [
    {
      title: 'Service',
      field: 'id',
      render: row => <EntityRefLink entityRef={row.entity} />,
    },
    {
      title: 'On call now',
      render: row => {
        if (row.error) {
          return (
            <Typography variant="body2" color="error">
              {row.error}
            </Typography>
          );
        }
        const now = row.onCall?.levels[0]?.now ?? [];
        if (now.length === 0)
          return <Typography variant="body2">Nobody</Typography>;
        return (
          <>
            {now.map((s, i) => (
              <div key={i}>
                <PersonName person={s.person} />
                {s.person.email && (
                  <Typography
                    variant="caption"
                    component="div"
                    color="textSecondary"
                  >
                    {s.person.email}
                  </Typography>
                )}
              </div>
            ))}
          </>
        );
      },
    },
    {
      title: 'Until',
      render: row => {
        const end = row.onCall?.levels[0]?.now[0]?.end;
        return end ? (
          <span title={absoluteTime(end)}>{relativeTime(end)}</span>
        ) : (
          ''
        );
      },
    },
    {
      title: 'Next',
      render: row => {
        const next = row.onCall?.levels[0]?.next ?? [];
        return next.map((s, i) => (
          <div key={i}>
            <PersonName person={s.person} />
          </div>
        ));
      },
    },
  ];

  return (
    <InfoCard title={title} noPadding>
      <Table<Row>
        columns={columns}
        data={value}
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
      />
    </InfoCard>
  );
}
