import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Grid } from '@material-ui/core';
import { DoraCard } from './DoraCard';
import { DriftCard } from './DriftCard';
import { SinceYesterdayCard } from './SinceYesterdayCard';

/**
 * The delivery insights of the current Group or System entity, as grid items: what
 * happened since yesterday, environment drift and the DORA keys of its services.
 */
export function EntityInsightsCards() {
  const { entity } = useEntity();
  const refs = [stringifyEntityRef(entity)];
  return (
    <>
      <Grid item xs={12} md={6}>
        <SinceYesterdayCard entityRefs={refs} />
      </Grid>
      <Grid item xs={12} md={6}>
        <DoraCard entityRefs={refs} />
      </Grid>
      <Grid item xs={12}>
        <DriftCard entityRefs={refs} />
      </Grid>
    </>
  );
}
