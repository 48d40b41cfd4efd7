import { Content, Header, Page } from '@backstage/core-components';
import {
  HomePageStarredEntities,
  HomePageToolkit,
  WelcomeTitle,
} from '@backstage/plugin-home';
import { HomePageSearchBar } from '@backstage/plugin-search';
import { Grid } from '@material-ui/core';
import CreateIcon from '@material-ui/icons/AddCircleOutline';
import CatalogIcon from '@material-ui/icons/Apps';
import ApiIcon from '@material-ui/icons/Extension';
import DocsIcon from '@material-ui/icons/LibraryBooks';
import { MyTeamServicesCard } from './MyTeamServicesCard';
import { HomePageServiceHealthCard } from '@slipway/plugin-service-health';
import { HomePageOnCallCard } from '@slipway/plugin-on-call';
import { HomePageSinceYesterdayCard } from '@slipway/plugin-release-manager';

const tools = [
  { url: '/create', label: 'Create a service', icon: <CreateIcon /> },
  { url: '/catalog', label: 'Catalog', icon: <CatalogIcon /> },
  { url: '/api-docs', label: 'APIs', icon: <ApiIcon /> },
  {
    url: '/docs/default/component/onboarding',
    label: 'Onboarding',
    icon: <DocsIcon />,
  },
];

/**
 * The portal's home page: a developer's morning view. Search, their team's services,
 * then the Slipway cards (who is on call, health lights, recent releases), starred
 * entities and the paved-road shortcuts.
 */
export function HomePage() {
  return (
    <Page themeId="home">
      <Header
        title={<WelcomeTitle language={['English']} />}
        pageTitleOverride="Home"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <HomePageSearchBar placeholder="Search services, APIs and docs" />
          </Grid>
          <Grid item xs={12} md={6}>
            <MyTeamServicesCard />
          </Grid>
          {/* slipway:home-cards (on-call, service health, recent releases) */}
          <Grid item xs={12} md={6}>
            <HomePageOnCallCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <HomePageServiceHealthCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <HomePageSinceYesterdayCard />
          </Grid>
          <Grid item xs={12} md={6}>
            <HomePageStarredEntities />
          </Grid>
          <Grid item xs={12} md={6}>
            <HomePageToolkit title="Paved road" tools={tools} />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
