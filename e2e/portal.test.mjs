// The portal foundation: catalog, a service's page, API specs of every kind, onboarding docs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, open, closeBrowser } from './lib.mjs';

after(closeBrowser);

/** The first link to an entity's page, e.g. /catalog/default/component/ledger. */
const entityLink = (page, kind, name) =>
  page.locator(`a[href$="/catalog/default/${kind}/${name}"]`).first();

const SERVICES = [
  'payment-gateway',
  'ledger',
  'card-service',
  'loan-applications',
  'credit-scoring',
  'customer-profile',
  'notification-service',
  'identity-service',
];

test('the home page shows the signed-in team services', () =>
  withPage('home', async page => {
    await open(page, '/home');
    await page.getByText("My team's services").waitFor();
    // guest is in payments and platform: payment-gateway is theirs
    await entityLink(page, 'component', 'payment-gateway').waitFor();
  }));

test('the catalog lists the example services', () =>
  withPage('catalog', async page => {
    await open(page, '/catalog?filters[kind]=component&filters[user]=all');
    for (const name of SERVICES) {
      await entityLink(page, 'component', name).waitFor();
    }
  }));

test("a service's page shows its owner and its APIs", () =>
  withPage('service-page', async page => {
    await open(page, '/catalog/default/component/payment-gateway');
    await page.getByRole('heading', { name: 'Payment gateway' }).first().waitFor();
    await page.getByText('Owner', { exact: true }).first().waitFor();
    await entityLink(page, 'group', 'payments').waitFor();
    await page.getByRole('tab', { name: 'API' }).click();
    await page.getByText('Provided APIs').waitFor();
    await entityLink(page, 'api', 'payments-api').waitFor();
    await page.getByText('Consumed APIs').waitFor();
    await entityLink(page, 'api', 'ledger-grpc').waitFor();
  }));

test('the OpenAPI definition renders its operations', () =>
  withPage('api-openapi', async page => {
    await open(page, '/catalog/default/api/payments-api/definition');
    // swagger-ui renders one block per operation
    await page.locator('.opblock').first().waitFor();
    const ops = await page.locator('.opblock').count();
    assert.ok(ops >= 5, `expected at least 5 operations, saw ${ops}`);
    await page.locator('.opblock-summary-method', { hasText: 'POST' }).first().waitFor();
  }));

test('the AsyncAPI definition renders', () =>
  withPage('api-asyncapi', async page => {
    await open(page, '/catalog/default/api/transaction-events/definition');
    await page.locator('#asyncapi, .aui-root, [class*="asyncapi"]').first().waitFor();
    await page.getByText(/transaction/i).first().waitFor();
    await page.getByText(/Operations|Channels|Messages/).first().waitFor();
  }));

test('the GraphQL definition renders', () =>
  withPage('api-graphql', async page => {
    await open(page, '/catalog/default/api/customer-graphql/definition');
    await page.locator('.graphiql-container').first().waitFor();
    await page.getByText(/Customer/).first().waitFor();
  }));

test('the gRPC definition renders', () =>
  withPage('api-grpc', async page => {
    await open(page, '/catalog/default/api/ledger-grpc/definition');
    await page.getByText(/service Ledger/).first().waitFor();
    await page.getByText(/rpc PostEntry/).first().waitFor();
  }));

test('the onboarding docs render their first page', () =>
  withPage('onboarding-docs', async page => {
    await open(page, '/docs/default/component/onboarding');
    // TechDocs builds the site with mkdocs on first visit; allow for it
    const heading = page.locator('article h1').first();
    await heading.waitFor({ timeout: 180_000 });
    assert.match(await heading.innerText(), /welcome/i);
    // TechDocs keeps the page transparent until every stylesheet has loaded
    await page.waitForFunction(
      () => {
        const host = document.querySelector('[data-testid="techdocs-native-shadowroot"]');
        const html = host?.shadowRoot?.querySelector('html');
        return html && getComputedStyle(html).opacity === '1';
      },
      undefined,
      { timeout: 60_000 },
    );
    // the docs link into the portal: the template and the catalog
    await page.locator('article a[href$="/create"]').first().waitFor();
  }));
