import { stringifyEntityRef } from '@backstage/catalog-model';
import { TableColumn } from '@backstage/core-components';
import { CatalogTableRow } from '@backstage/plugin-catalog';
import { isServiceHealthApplicable } from '@slipway/plugin-service-health-common';
import { CircularProgress, Typography } from '@material-ui/core';
import { Entity } from '@backstage/catalog-model';
import { useBatchedHealth } from '../api';
import { HealthLight } from './HealthLight';

/**
 * The compact light of one entity, loaded through the batching loader so that a whole
 * table of them makes one `POST /health/batch`. Entities without health signals show a
 * dash; a failed load shows a grey light with the error as tooltip.
 *
 * @public
 */
export function EntityHealthLight(props: { entity: Entity; size?: number }) {
  const { entity, size } = props;
  const applicable = isServiceHealthApplicable(entity);
  const { value, loading, error } = useBatchedHealth(
    applicable ? stringifyEntityRef(entity) : undefined,
  );
  if (!applicable) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        aria-label="No health signals"
      >
        –
      </Typography>
    );
  }
  if (loading)
    return <CircularProgress size={14} aria-label="Loading health" />;
  if (error || !value) {
    return (
      <HealthLight
        light="grey"
        size={size}
        title={`Health unavailable: ${error?.message}`}
      />
    );
  }
  return <HealthLight light={value.light} size={size} title={value.summary} />;
}

/**
 * A catalog table column with each row's health light, for `CatalogIndexPage`'s
 * `columns` (e.g. `columns={ctx => [...CatalogTable.defaultColumnsFunc(ctx),
 * createServiceHealthColumn()]}`). All rows on a page are fetched in one batch call.
 *
 * @public
 */
export function createServiceHealthColumn(options?: {
  title?: string;
}): TableColumn<CatalogTableRow> {
  return {
    title: options?.title ?? 'Health',
    field: 'resolved.entityRef',
    width: '80px',
    sorting: false,
    searchable: false,
    render: row => <EntityHealthLight entity={row.entity} />,
  };
}
